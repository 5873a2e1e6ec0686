"""``monitor/query`` and ``monitor/{session_id}/{index}`` (SysAid): review answers, correct and
verify them. Admins only."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from chatbots import selectors
from chatbots.api.assist_serializers import (
    MonitorQueryResponseSerializer,
    MonitorQuerySerializer,
    MonitorRecordSerializer,
    MonitorUpdateResponseSerializer,
    MonitorUpdateSerializer,
)
from chatbots.services import monitor as monitor_services
from helpdesk.api.viewsets import TenantMixin
from helpdesk.models import Role


@extend_schema(tags=["Monitor"])
class MonitorQueryView(TenantMixin, APIView):
    required_role = Role.ADMIN

    @extend_schema(
        request=MonitorQuerySerializer,
        responses=MonitorQueryResponseSerializer,
        description="Question/answer pairs with rating, confidence, sources and the read/verification indicators.",
    )
    def post(self, request):
        data = MonitorQuerySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        records = selectors.monitor_records(
            organization=self.organization,
            text=values.get("text") or None,
            verification_indicator=values.get("verification_indicator"),
            rating=values.get("rating"),
            read_indicator=values.get("read_indicator"),
            chatbot_id=values.get("chatbot_id"),
            max_confidence=values.get("max_confidence"),
            mode=values.get("mode"),
            order=values.get("order"),
        )
        limit, offset = values["limit"], values["offset"]
        page = list(records[offset : offset + limit])
        return Response(
            {
                "status": "ok",
                "total": records.count(),
                "limit": limit,
                "offset": offset,
                "records": MonitorRecordSerializer(page, many=True).data,
            }
        )


@extend_schema(tags=["Monitor"])
class MonitorUpdateView(TenantMixin, APIView):
    required_role = Role.ADMIN

    @extend_schema(
        request=MonitorUpdateSerializer,
        responses=MonitorUpdateResponseSerializer,
        description=(
            "Mark read, correct the question or answer, verify. A verification indicator above 0 creates or "
            "updates a verified KB item (the corrected question and answer) that the bot's retrieval ranks first."
        ),
    )
    def put(self, request, session_id, index):
        message = selectors.monitor_record_get(
            organization=self.organization, session_id=session_id, index=int(index)
        )
        if message is None:
            raise Http404
        data = MonitorUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if message.role != "assistant":
            raise Http404
        message = monitor_services.monitor_update(
            message=message, membership=self.membership, **data.validated_data
        )
        return Response({"status": "ok", "record": MonitorRecordSerializer(message).data})

    patch = put
