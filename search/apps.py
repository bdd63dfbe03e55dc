from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from datascores.documents.models import Document, Source
        from datascores.documents.signals import document_ready, documents_changed
        from search import indexer

        document_ready.connect(indexer.on_document_ready, dispatch_uid="search.ready")
        documents_changed.connect(indexer.on_documents_changed, dispatch_uid="search.changed")
        post_delete.connect(
            indexer.on_document_deleted, sender=Document, dispatch_uid="search.doc_deleted"
        )
        for signal, uid in (
            (post_save, "search.source_saved"),
            (post_delete, "search.source_gone"),
        ):
            signal.connect(indexer.on_source_changed, sender=Source, dispatch_uid=uid)
