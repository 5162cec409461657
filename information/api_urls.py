from rest_framework.routers import SimpleRouter

from . import apis

router = SimpleRouter()
router.register(
    "information-requests",
    apis.InformationRequestViewSet,
    basename="information-request",
)

urlpatterns = router.urls
