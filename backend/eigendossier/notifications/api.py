"""Push subscriptions (several devices per learner), reminder settings, the inbox."""
from typing import ClassVar

from flask.views import MethodView
from flask_login import current_user, login_required

from eigendossier.core.arguments import Blueprint
from eigendossier.core.errors import problem_response
from eigendossier.notifications import service, vapid
from eigendossier.notifications.schemas import (
    InboxQuerySchema,
    InboxSchema,
    NotificationSchema,
    NotificationSettingsSchema,
    PushKeySchema,
    ReadAllSchema,
    SubscriptionInSchema,
    SubscriptionSchema,
)

blp = Blueprint("notifications", __name__, url_prefix="/api/v1",
                description="Push subscriptions, reminders and the inbox")


@blp.route("/push/key")
class PushKey(MethodView):
    @blp.response(200, PushKeySchema)
    def get(self):
        """The server's VAPID public key, to subscribe with (applicationServerKey)."""
        return {"public_key": vapid.public_key()}


@blp.route("/push/subscriptions")
class Subscriptions(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, SubscriptionSchema(many=True))
    def get(self):
        """The learner's devices that receive push notifications."""
        return service.subscriptions_of(current_user)

    @blp.arguments(SubscriptionInSchema)
    @blp.response(201, SubscriptionSchema)
    @blp.alt_response(200, schema=SubscriptionSchema, description="Known device, keys renewed")
    @problem_response(blp, 409, "Too many devices")
    @problem_response(blp, 422, "Not a usable subscription (address or keys)")
    def post(self, data):
        """Register this device's push subscription (PushSubscription.toJSON())."""
        subscription, created = service.subscribe(
            current_user, data["endpoint"], data["keys"]["p256dh"], data["keys"]["auth"],
            data["label"])
        return subscription, 201 if created else 200


@blp.route("/push/subscriptions/<int:subscription_id>")
class SubscriptionDetail(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, SubscriptionSchema)
    @problem_response(blp, 404, "No such device of yours")
    def get(self, subscription_id):
        """One device."""
        return service.subscription_of(current_user, subscription_id)

    @blp.response(204)
    @problem_response(blp, 404, "No such device of yours")
    def delete(self, subscription_id):
        """Stop push notifications to this device."""
        service.unsubscribe(current_user, subscription_id)


@blp.route("/notifications")
class Inbox(MethodView):
    decorators: ClassVar = [login_required]

    @blp.arguments(InboxQuerySchema, location="query")
    @blp.response(200, InboxSchema)
    def get(self, query):
        """The inbox, newest first: every reminder, whether or not a push reached a device."""
        return service.inbox(current_user, query["unread"], query["limit"])


@blp.route("/notifications/<int:notification_id>/read")
class Read(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, NotificationSchema)
    @problem_response(blp, 404, "No such notification of yours")
    def post(self, notification_id):
        """Mark a notification as read."""
        return service.mark_read(current_user, notification_id)


@blp.route("/notifications/read-all")
class ReadAll(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, ReadAllSchema)
    def post(self):
        """Mark every notification as read."""
        return {"marked": service.mark_all_read(current_user)}


@blp.route("/notifications/settings")
class Settings(MethodView):
    decorators: ClassVar = [login_required]

    @blp.response(200, NotificationSettingsSchema)
    def get(self):
        """Which reminders the learner wants, and their quiet hours."""
        return service.settings_of(current_user)

    @blp.arguments(NotificationSettingsSchema)
    @blp.response(200, NotificationSettingsSchema)
    def put(self, changes):
        """Change lead times (days before) and quiet hours; fields left out stay as they are."""
        return service.update_settings(current_user, changes)
