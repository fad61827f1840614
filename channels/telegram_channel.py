"""Telegram channel on python-telegram-bot (named so it cannot shadow the `telegram` package).

Webhook mode: Telegram posts updates to /webhooks/neuvokas_telegram/webhook with the secret token
in the X-Telegram-Bot-Api-Secret-Token header; a call without it is refused. Each update is
processed before the reply (so Telegram re-sends it if this process dies) and at most once (its
update_id is remembered in Redis). Polling mode (development) runs channels/telegram_poll.py,
which posts the updates it fetches to the same webhook.

Without TELEGRAM_BOT_TOKEN the channel is off: its routes say so and the rest of the system runs.
The token is never logged: a filter removes it from every log record.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from datetime import timedelta
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from redis.exceptions import RedisError
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import redis_keys
from channels import request_guard
from channels.rate_limit import urgent
from bot.redis_client import async_client
from bot.review.store import ReviewStore, save_feedback
from bot.settings import Settings, TelegramSettings
from bot.text import clean
from channels.erase import erase_tracker
from channels.handoff_gate import HandoffGate
from channels.location import location_message
from channels.texts import text

logger = logging.getLogger(__name__)

MESSAGE_LIMIT = 4096  # Telegram's limit, in UTF-16 code units
CALLBACK_LIMIT = 64  # bytes of callback_data
MAX_BODY_BYTES = 1_048_576
MAX_RETRY_WAIT = 60.0  # seconds we wait for Telegram's flood control before giving up on a message
SEND_ATTEMPTS = 4
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
SENDER_PREFIX = "telegram-"


# --- pure helpers ------------------------------------------------------------------------------
def utf16_len(value: str) -> int:
    return len(value.encode("utf-16-le")) // 2


def split_message(value: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Splits a long reply at paragraph, line or word boundaries into parts Telegram accepts."""
    parts: list[str] = []
    rest = value.strip()
    while utf16_len(rest) > limit:
        cut = _fit(rest, limit)
        window = rest[:cut]
        for separator in ("\n\n", "\n", " "):
            at = window.rfind(separator)
            if at > cut // 3:
                cut = at
                break
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def _fit(value: str, limit: int) -> int:
    """The longest prefix length of `value` within `limit` UTF-16 code units."""
    units = 0
    for index, char in enumerate(value):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(value)


def retry_seconds(error: RetryAfter) -> float:
    wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


def chat_id_of(sender_id: str) -> Optional[int]:
    if not sender_id.startswith(SENDER_PREFIX):
        return None
    try:
        return int(sender_id[len(SENDER_PREFIX):])
    except ValueError:
        return None


def secret_token_for(settings: TelegramSettings) -> str:
    """TELEGRAM_SECRET_TOKEN, else one derived from the bot token (Telegram allows [A-Za-z0-9_-])."""
    if settings.secret_token:
        return settings.secret_token
    return hmac.new(b"neuvokas-telegram-webhook", (settings.token or "").encode(), hashlib.sha256).hexdigest()


class TokenFilter(logging.Filter):
    """Removes the bot token from log records (library loggers print request URLs)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "<token>"), None
        return True


def hide_token_in_logs(token: str) -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    token_filter = TokenFilter(token)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, TokenFilter) for f in handler.filters):
            handler.addFilter(token_filter)
    for name in ("telegram", "httpx", "httpcore", "rasa", "sanic", __name__):
        log = logging.getLogger(name)
        if not any(isinstance(f, TokenFilter) for f in log.filters):
            log.addFilter(token_filter)


async def send_with_retry(call: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
    """Calls the Bot API, waiting as long as Telegram's 429 `retry_after` says (up to a limit)."""
    for attempt in range(SEND_ATTEMPTS):
        try:
            return await call(*args, **kwargs)
        except RetryAfter as error:
            wait = retry_seconds(error)
            if attempt == SEND_ATTEMPTS - 1 or wait > MAX_RETRY_WAIT:
                raise
            logger.info("Telegram flood control: waiting %.1f s", wait)
            await asyncio.sleep(wait)
        except NetworkError:
            if attempt == SEND_ATTEMPTS - 1:
                raise
            await asyncio.sleep(0.5 * (attempt + 1))
    return None


# --- output ------------------------------------------------------------------------------------
class ButtonStore:
    """Button payloads longer than Telegram's callback data, kept in Redis (else in memory)."""

    def __init__(self, redis_url: Optional[str], ttl_seconds: int = 30 * 24 * 3600) -> None:
        self.redis_url, self.ttl = redis_url, ttl_seconds
        self._client = None
        self._memory: dict[str, str] = {}

    @property
    def client(self):
        if self._client is None and self.redis_url:
            self._client = async_client(self.redis_url, socket_timeout=5)
        return self._client

    async def data_for(self, payload: str) -> str:
        if len(("p:" + payload).encode("utf-8")) <= CALLBACK_LIMIT:
            return "p:" + payload
        digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:40]
        self._memory[digest] = payload
        if self.client is not None:
            try:
                await self.client.set(redis_keys.telegram_button(digest), payload, ex=self.ttl)
            except (RedisError, OSError):
                logger.warning("button store unavailable; keeping the button in memory")
        return "h:" + digest

    async def payload_of(self, data: str) -> Optional[str]:
        if data.startswith("p:"):
            return data[2:]
        if not data.startswith("h:"):
            return None
        digest = data[2:]
        if digest in self._memory:
            return self._memory[digest]
        if self.client is not None:
            try:
                return await self.client.get(redis_keys.telegram_button(digest))
            except (RedisError, OSError):
                return None
        return None

    async def seen_update(self, update_id: int) -> bool:
        """True when this update was already taken (Telegram re-sends until it gets a 200)."""
        if self.client is None:
            return False
        try:
            fresh = await self.client.set(redis_keys.telegram_update(update_id), "1", nx=True, ex=24 * 3600)
        except (RedisError, OSError):
            return False
        return not fresh

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()


class TelegramOutput(OutputChannel):
    """Sends the bot's responses: long texts split, buttons as an inline keyboard."""

    def __init__(self, bot: Bot, buttons: ButtonStore) -> None:
        self.bot, self.buttons = bot, buttons
        self.last_answer: Optional[tuple[int, int, str]] = None  # (chat, message id, text) for the thumbs

    @classmethod
    def name(cls) -> Text:
        return "neuvokas_telegram"

    async def send_text(self, chat_id: int, value: str, markup: Any = None) -> Any:
        parts = split_message(value) or [""]
        sent = None
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            try:
                sent = await send_with_retry(self.bot.send_message, chat_id=chat_id, text=part,
                                             reply_markup=markup if last else None, disable_web_page_preview=True)
            except Forbidden:
                logger.info("a Telegram resident has blocked the bot; message dropped")
                return None
        return sent

    async def keyboard(self, buttons: list[dict]) -> InlineKeyboardMarkup:
        keys = [InlineKeyboardButton(str(b.get("title", ""))[:64] or "…",
                                     callback_data=await self.buttons.data_for(str(b.get("payload", ""))))
                for b in buttons]
        per_row = 2 if all(len(k.text) <= 18 for k in keys) else 1
        return InlineKeyboardMarkup([keys[i:i + per_row] for i in range(0, len(keys), per_row)])

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        chat_id = chat_id_of(recipient_id)
        if chat_id is None:
            logger.warning("not a Telegram conversation id; message dropped")
            return
        custom = message.get("custom") if isinstance(message.get("custom"), dict) else {}
        body = message.get("text") or ""
        if custom.get("type") == "emergency" and body:
            body = "🚨 " + body
        markup: Any = None
        if message.get("buttons"):
            markup = await self.keyboard(message["buttons"])
        elif custom.get("type") == "ask_location":
            markup = ReplyKeyboardMarkup([[KeyboardButton(text("tg_share_location"), request_location=True)]],
                                         one_time_keyboard=True, resize_keyboard=True)
        if body:
            sent = await self.send_text(chat_id, body, markup)
            plain_answer = markup is None and custom.get("type") != "emergency"
            self.last_answer = (chat_id, sent.message_id, body) if plain_answer and sent is not None else None
        if message.get("image"):
            await self.send_text(chat_id, str(message["image"]))

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


# --- input -------------------------------------------------------------------------------------
class TelegramInput(InputChannel):
    """Takes Telegram updates (webhook, or polling via channels/telegram_poll.py)."""

    @classmethod
    def name(cls) -> Text:
        return "neuvokas_telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "TelegramInput":
        return cls(Settings.from_env())

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.telegram = settings.telegram
        self.secret = secret_token_for(self.telegram) if self.telegram.enabled else ""
        self.buttons = ButtonStore(settings.redis_url)
        self.gate = HandoffGate(settings.redis_url)
        self.application: Optional[Application] = None
        self._ready = asyncio.Lock()
        self._initialized = False
        self.on_new_message: Optional[Callable[[UserMessage], Awaitable[Any]]] = None
        self.agent: Any = None
        self._review: Optional[ReviewStore] = None
        if self.telegram.enabled:
            hide_token_in_logs(self.telegram.token or "")

    def build_application(self) -> Application:
        builder: ApplicationBuilder = Application.builder().token(self.telegram.token).updater(None)
        if self.telegram.api_base_url:
            builder = builder.base_url(self.telegram.api_base_url)
        builder = builder.connect_timeout(5).read_timeout(15).write_timeout(15).pool_timeout(5)
        application = builder.build()
        application.add_handler(MessageHandler(filters.UpdateType.EDITED, self._reply_with("tg_edited")))
        application.add_handler(CommandHandler("start", self._command("/greet")))
        application.add_handler(CommandHandler(["help", "apua"], self._command("/help")))
        application.add_handler(CommandHandler(["poista", "delete"], self._delete))
        application.add_handler(CallbackQueryHandler(self._button))
        application.add_handler(MessageHandler(filters.Sticker.ALL, self._reply_with("tg_sticker")))
        application.add_handler(MessageHandler(filters.LOCATION, self._location))
        application.add_handler(MessageHandler(filters.COMMAND, self._command("/help")))
        application.add_handler(MessageHandler(filters.TEXT, self._text))
        application.add_handler(MessageHandler(filters.ALL, self._reply_with("tg_unsupported")))
        application.add_error_handler(self._error)
        return application

    async def ready(self) -> Application:
        """The initialised application; retried on the next update if Telegram was unreachable."""
        async with self._ready:
            if self.application is None:
                self.application = self.build_application()
            if not self._initialized:
                await self.application.initialize()
                self._initialized = True
                if self.telegram.mode == "webhook" and self.telegram.webhook_url:
                    await send_with_retry(self.application.bot.set_webhook, url=self.telegram.webhook_url,
                                          secret_token=self.secret, allowed_updates=ALLOWED_UPDATES)
            return self.application

    def output(self) -> TelegramOutput:
        assert self.application is not None
        return TelegramOutput(self.application.bot, self.buttons)

    def get_output_channel(self) -> Optional[OutputChannel]:
        return self.output() if self.application is not None else None

    async def forward(self, chat_id: int, message: str, metadata: Optional[dict] = None) -> None:
        assert self.on_new_message is not None
        if not urgent(message):  # red flags are answered however fast the resident writes
            verdict = await request_guard.limiter().hit_resident(f"tg:{chat_id}")
            if not verdict.allowed:  # explained once per window, then dropped quietly
                if verdict.first_refusal:
                    await self.output().send_text(chat_id, text("rate_limited", seconds=verdict.retry_after))
                return
        _, bot_answers = await self.gate.intercept(f"{SENDER_PREFIX}{chat_id}", message)
        if not bot_answers:  # an advisor's chat: the message waits in their log
            return
        output = self.output()
        await self.on_new_message(UserMessage(message, output, f"{SENDER_PREFIX}{chat_id}",
                                              input_channel=self.name(), metadata=metadata))
        if output.last_answer is not None and not message.startswith("/"):
            await self.ask_feedback(output.last_answer, message)

    async def ask_feedback(self, answer: tuple[int, int, str], question: str) -> None:
        """"Oliko vastauksesta apua?": thumbs under the bot's answer; a "no" goes to the review list."""
        chat_id, message_id, text_sent = answer
        try:
            if self.buttons.client is not None:
                await self.buttons.client.set(redis_keys.telegram_feedback(chat_id, message_id),
                                              json.dumps({"question": question, "answer": text_sent}), ex=7 * 24 * 3600)
            keyboard = InlineKeyboardMarkup([[
                InlineKeyboardButton("👍 " + text("tg_helpful"), callback_data=f"f:1:{message_id}"),
                InlineKeyboardButton("👎 " + text("tg_not_helpful"), callback_data=f"f:0:{message_id}")]])
            await send_with_retry(self.application.bot.edit_message_reply_markup, chat_id=chat_id,
                                  message_id=message_id, reply_markup=keyboard)
        except (TelegramError, RedisError, OSError) as error:  # feedback is optional
            logger.info("Telegram feedback buttons not shown (%s)", type(error).__name__)

    async def _feedback(self, query: Any, chat_id: int, data: str) -> None:
        _, helpful, message_id = data.split(":", 2)
        try:
            raw = await self.buttons.client.get(redis_keys.telegram_feedback(chat_id, int(message_id))) \
                if self.buttons.client is not None else None
            if raw is not None and self.settings.redis_url:
                saved = json.loads(raw)
                await asyncio.get_running_loop().run_in_executor(
                    None, save_feedback, self.review_store(), helpful == "1", saved["question"], saved["answer"])
                await self.buttons.client.delete(redis_keys.telegram_feedback(chat_id, int(message_id)))
            await query.edit_message_reply_markup(reply_markup=None)
        except (TelegramError, RedisError, OSError, ValueError) as error:
            logger.info("Telegram feedback not saved (%s)", type(error).__name__)
        await self.output().send_text(chat_id, text("tg_feedback_thanks"))

    def review_store(self) -> ReviewStore:
        if self._review is None:
            self._review = ReviewStore(self.settings.redis_url)
        return self._review

    # handlers (python-telegram-bot callbacks)
    def _command(self, intent: str):
        async def handle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            await self.forward(update.effective_chat.id, intent)
        return handle

    def _reply_with(self, key: str):
        async def handle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            await self.output().send_text(update.effective_chat.id, text(key))
        return handle

    async def _text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = clean(update.effective_message.text or "", limit=10_000)
        if message.startswith("/"):  # a payload typed by hand is text, not an intent
            message = message.lstrip("/")
        await self.forward(update.effective_chat.id, message)

    async def _location(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        point = update.effective_message.location
        located, metadata = location_message(point.latitude, point.longitude)
        if located is None:
            await self.output().send_text(update.effective_chat.id, text("location_outside"))
            return
        await self.forward(update.effective_chat.id, located, metadata)

    async def _button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        try:
            await send_with_retry(query.answer)
        except BadRequest:  # too old to acknowledge: the resident still gets an answer
            pass
        chat = update.effective_chat
        if chat is None:
            return
        if (query.data or "").startswith("f:"):
            await self._feedback(query, chat.id, query.data)
            return
        payload = await self.buttons.payload_of(query.data or "")
        if payload is None:
            await self.output().send_text(chat.id, text("tg_old_button"))
            return
        if query.message is not None:
            try:
                await query.edit_message_reply_markup(reply_markup=None)
            except TelegramError:
                pass
        await self.forward(chat.id, payload)

    async def _delete(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id = update.effective_chat.id
        await self.gate.resident_left(f"{SENDER_PREFIX}{chat_id}")
        await erase_tracker(self.agent, f"{SENDER_PREFIX}{chat_id}")
        await self.output().send_text(chat_id, text("tg_deleted"))

    async def _error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        logger.error("Telegram update failed: %s", type(context.error).__name__,
                     exc_info=(type(context.error), context.error, context.error.__traceback__))
        if isinstance(update, Update) and update.effective_chat is not None and self.application is not None:
            try:
                await self.output().send_text(update.effective_chat.id, text("failed"))
            except TelegramError:
                pass

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        self.on_new_message = on_new_message
        hook = Blueprint("neuvokas_telegram", __name__)

        @hook.listener("after_server_start")
        async def start(app, loop) -> None:
            self.agent = app.ctx.agent
            if not self.telegram.enabled:
                logger.info("Telegram: %s", self.telegram.status())
                return
            try:
                await self.ready()
                logger.info("Telegram: %s", self.telegram.status())
            except TelegramError as error:
                logger.warning("Telegram not reachable yet (%s); will retry on the next update", type(error).__name__)

        @hook.listener("before_server_stop")
        async def stop(app, loop) -> None:
            if self.application is not None and self._initialized:
                await self.application.shutdown()
            await self.buttons.close()
            await self.gate.close()

        @hook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.telegram.enabled else "off",
                                  "telegram": self.telegram.status()})

        @hook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.telegram.enabled:
                return response.json({"error": text("telegram_off")}, status=404)
            given = request.headers.get("x-telegram-bot-api-secret-token", "")
            if not hmac.compare_digest(given.encode(), self.secret.encode()):
                return response.json({"error": text("forbidden")}, status=403)
            body = request.body or b""
            if len(body) > MAX_BODY_BYTES:
                return response.json({"error": text("body_too_large")}, status=413)
            try:
                data = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                return response.json({"error": text("bad_format")}, status=400)
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                return response.json({"error": text("bad_format")}, status=400)
            try:
                application = await self.ready()
            except TelegramError as error:
                logger.warning("Telegram not reachable (%s)", type(error).__name__)
                return response.json({"error": text("failed")}, status=503)
            try:
                update = Update.de_json(data, application.bot)
            except Exception as error:  # noqa: BLE001 - acknowledged, or Telegram re-sends it forever
                logger.warning("Telegram update %s could not be read (%s); dropped", data["update_id"],
                               type(error).__name__)
                return response.json({"ok": True, "ignored": True})
            if await self.buttons.seen_update(update.update_id):
                return response.json({"ok": True, "duplicate": True})
            await application.process_update(update)
            return response.json({"ok": True})

        return hook
