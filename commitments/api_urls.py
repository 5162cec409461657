from rest_framework.routers import SimpleRouter

from . import apis

router = SimpleRouter()
router.register("action-plans", apis.ActionPlanViewSet, basename="action-plan")
router.register("commitments", apis.CommitmentViewSet, basename="commitment")
router.register("milestones", apis.MilestoneViewSet, basename="milestone")
router.register(
    "progress-updates", apis.ProgressUpdateViewSet, basename="progress-update"
)

urlpatterns = router.urls
