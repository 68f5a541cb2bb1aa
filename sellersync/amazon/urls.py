"""Pages of the Amazon connector outside the model admin (included under /amazon/ by the root urls)."""

from django.urls import path

from sellersync.amazon import views, views_attention

app_name = "amazon"

urlpatterns = [
    path("oauth/callback/", views.oauth_callback, name="oauth-callback"),
    path("developer-mode/", views.toggle_developer_mode, name="developer-mode"),
    path("attention/", views_attention.attention, name="attention"),
]
