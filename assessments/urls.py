from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("mine/", views.mine, name="mine"),
    path("a/<str:token>/", views.resume, name="resume"),
    path("a/<str:token>/q/<int:order>/", views.question, name="question"),
    path("a/<str:token>/review/", views.review, name="review"),
    path("a/<str:token>/submit/", views.submit, name="submit"),
    path("a/<str:token>/results/", views.results, name="results"),
    path("a/<str:token>/results.json", views.results_json, name="results_json"),
]
