from django.urls import path

from dateline.site import views

app_name = "site"

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("<slug:edition>/", views.front, name="front"),
    path("<slug:edition>/section/<str:slug>/", views.section, name="section"),
    path("<slug:edition>/tag/<str:slug>/", views.tag, name="tag"),
    path("<slug:edition>/news/<int:code>", views.article, name="article-code"),
    path("<slug:edition>/news/<int:code>/", views.article, name="article-code-slash"),
    path("<slug:edition>/news/<int:code>/<str:slug>", views.article, name="article"),
]
