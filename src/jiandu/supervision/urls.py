from django.urls import include, path

from .views import catalogue, escalation, runs, triage

urlpatterns = [
    path("", include(triage.urlpatterns)),
    path("", include(runs.urlpatterns)),
    path("", include(catalogue.urlpatterns)),
    path("", include(escalation.urlpatterns)),
]
