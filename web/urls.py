"""Public site routes; the project's urls.py includes these at the root."""

from django.urls import path

from . import api, batch, insights, views

urlpatterns = [
    path("", views.home, name="home"),
    path("search", views.search, name="search"),
    path("search.csv", views.search_csv, name="search_csv"),
    path("documents/<int:pk>", views.document, name="document"),
    path("documents/<int:pk>/original", views.original, name="document_original"),
    path("insights", insights.insights, name="insights"),
    path("insights.csv", insights.insights_csv, name="insights_csv"),
    path("batch", batch.batch, name="batch"),
    path("api/", api.api_index, name="api_index"),
    path("api/search", api.api_search, name="api_search"),
    path("api/documents/<int:pk>", api.api_document, name="api_document"),
    path("about", views.about, name="about"),
    path("help", views.help_page, name="help"),
]
