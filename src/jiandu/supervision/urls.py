from django.urls import include, path

from .views import catalogue, runs, triage

urlpatterns = [
    path("", include(triage.urlpatterns)),
    path("", include(runs.urlpatterns)),
    path("", include(catalogue.urlpatterns)),
]
