from django.urls import include, path

from .views import findings, planning, reporting

urlpatterns = [
    path("", include(planning.urlpatterns)),
    path("", include(findings.urlpatterns)),
    path("", include(reporting.urlpatterns)),
]
