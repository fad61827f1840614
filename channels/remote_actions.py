"""When the action server cannot be reached, the resident hears so, politely, instead of nothing.

Rasa runs a custom action by calling the action server; when that call fails (the server is down,
restarting, or answers 5xx), Rasa logs the error and the turn ends without a word to the
resident. This wraps `RemoteAction.run` (every custom action and form validation goes through it)
so a failed call gives one polite Finnish message with the emergency numbers, and the bot then
listens. Red flags do not need the action server (rasa_components.red_flag_policy), so the
emergency answer still comes. Nothing is kept: the next message tries the action server again,
so the bot recovers by itself when it is back.
"""
from __future__ import annotations

import logging
from typing import Any, List

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.core.events import BotUttered, Event, FollowupAction
from rasa.shared.exceptions import RasaException

from channels.texts import text

logger = logging.getLogger(__name__)
ACTION_LISTEN = "action_listen"


async def _run_or_apologise(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any,
                            domain: Any) -> List[Event]:
    try:
        return await _original_run(self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:  # a form's validation said no: Rasa's normal flow
        raise
    except RasaException as error:
        logger.warning("action server unavailable for %s (%s); the resident was told", self.name(),
                       type(error.__context__ or error).__name__)
        return [BotUttered(text("actions_down"), metadata={"actions_down": True}),
                FollowupAction(ACTION_LISTEN)]


_original_run = RemoteAction.run


def install() -> None:
    """Idempotent: wraps RemoteAction.run once per process."""
    if RemoteAction.run is not _run_or_apologise:
        RemoteAction.run = _run_or_apologise  # type: ignore[assignment]

