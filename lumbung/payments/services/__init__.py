"""Payments services (writes). Each entry point's caller owns the transaction, except the ones that
call the gateway (``intent_charge``, ``intent_cancel``, ``intent_recheck``, ``refund_send`` and the
periodic jobs), which must be called with no row locks held."""

from .fx import FxRateMissing, fx_convert, fx_convert_book, fx_rate_current, fx_rate_enter
from .gateway import (
    gateway_status_apply,
    intent_recheck,
    intents_expire_overdue,
    intents_recheck,
    notification_receive,
    webhook_events_purge,
)
from .intents import (
    INTENT_EXPIRED,
    INTENT_PAID,
    Allocation,
    AlreadyPaid,
    IllegalTransition,
    PaymentPending,
    cash_receive,
    intent_cancel,
    intent_charge,
    intent_create,
    intent_expire,
    intent_mark_paid,
    intent_set_status,
)
from .payouts import (
    Destination,
    ResultRow,
    payout_batch_confirm,
    payout_batch_create,
    payout_batch_csv,
    payout_request,
    payout_result_parse,
)
from .qris_settlement import qris_settlement_import
from .refunds import (
    REFUND_ISSUED,
    RefundTooLarge,
    refund_confirm_manual,
    refund_issue,
    refund_send,
    refunds_retry_due,
)

__all__ = [
    "INTENT_EXPIRED",
    "INTENT_PAID",
    "REFUND_ISSUED",
    "Allocation",
    "AlreadyPaid",
    "Destination",
    "FxRateMissing",
    "IllegalTransition",
    "PaymentPending",
    "RefundTooLarge",
    "ResultRow",
    "cash_receive",
    "fx_convert",
    "fx_convert_book",
    "fx_rate_current",
    "fx_rate_enter",
    "gateway_status_apply",
    "intent_cancel",
    "intent_charge",
    "intent_create",
    "intent_expire",
    "intent_mark_paid",
    "intent_recheck",
    "intent_set_status",
    "intents_expire_overdue",
    "intents_recheck",
    "notification_receive",
    "payout_batch_confirm",
    "payout_batch_create",
    "payout_batch_csv",
    "payout_request",
    "payout_result_parse",
    "qris_settlement_import",
    "refund_confirm_manual",
    "refund_issue",
    "refund_send",
    "refunds_retry_due",
    "webhook_events_purge",
]
