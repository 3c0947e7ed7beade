"""What the API says about comments (scope comments:read, which works only while the office grants it)."""

from rest_framework import serializers

from core.api.serializers import ApiModelSerializer

from ..models import Comment


class CommentSerializer(ApiModelSerializer):
    """A comment in the conversation on an initiative. Who wrote it is not served (people's names stay in the
    portal); a deleted comment keeps its place in its thread with an empty body and `deleted_at` set."""

    initiative = serializers.CharField(source="initiative.reference", help_text=(
        "The reference of the initiative the conversation is on."))
    parent = serializers.IntegerField(source="parent_id", allow_null=True, help_text=(
        "The comment this one replies to (replies are one level deep); null for a comment that starts a thread."))
    body = serializers.CharField(help_text="The comment in Markdown, as its author wrote it; empty once deleted.")

    class Meta:
        model = Comment
        fields = ["id", "initiative", "parent", "body", "edited_at", "deleted_at", "created_at", "updated_at"]
