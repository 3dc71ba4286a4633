from django.urls import include, path

from .views import oversight, plans, work

urlpatterns = [
    path("", include(plans.urlpatterns)),
    path("", include(work.urlpatterns)),
    path("", include(oversight.urlpatterns)),
]
