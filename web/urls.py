"""Public site routes; the project's urls.py includes these at the root."""

from django.contrib.auth import views as auth_views
from django.urls import path, re_path

from . import alerts_feed, alerts_views, api, batch, bulk, entities, insights, pages, tables, views

_ENTITY = r"(?P<segment>bodies|companies|systems)/(?P<slug>[-\w]+)"

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
    path("entities", entities.entities_index, name="entities"),
    path("entities/go", entities.entity_lookup, name="entity_lookup"),
    re_path(rf"^{_ENTITY}$", entities.entity_page, name="entity"),
    re_path(rf"^{_ENTITY}\.csv$", entities.entity_csv, name="entity_csv"),
    path("api/entities", entities.api_entities, name="api_entities"),
    re_path(rf"^api/entities/{_ENTITY}$", entities.api_entity, name="api_entity"),
]

# Reading and following (issue 14): page pictures, tables, feeds, saved searches, ZIPs.
urlpatterns += [
    path(
        "documents/<int:pk>/pages/<int:number>-<int:width>.webp",
        pages.page_image,
        name="page_image",
    ),
    path("documents/<int:pk>/table", tables.table_all, name="document_table"),
    path("search.atom", alerts_feed.search_feed, name="search_feed"),
    path("api/search.atom", alerts_feed.search_feed, name="api_search_feed"),
    path("search.zip", bulk.bulk_download, name="search_zip"),
    path(
        "accounts/login",
        auth_views.LoginView.as_view(template_name="alerts/login.html"),
        name="login",
    ),
    path("accounts/logout", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup", alerts_views.signup, name="signup"),
    path("accounts/signup/<str:token>", alerts_views.signup, name="signup_invited"),
    path("accounts/searches", alerts_views.saved_searches, name="saved_searches"),
    path("accounts/searches/save", alerts_views.save_search, name="save_search"),
    path("accounts/searches/<int:pk>", alerts_views.update_search, name="update_search"),
    path("accounts/searches/<int:pk>/open", alerts_views.open_search, name="open_search"),
    path("alerts/unsubscribe/<str:token>", alerts_views.unsubscribe, name="alert_unsubscribe"),
]
