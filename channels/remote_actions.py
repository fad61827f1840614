"""Two changes to how the Rasa server runs custom actions (RemoteAction), installed at start.

1. When the action server cannot be reached, the resident hears so, politely, instead of nothing.

Rasa runs a custom action by calling the action server; when that call fails (the server is down,
restarting, or answers 5xx), Rasa logs the error and the turn ends without a word to the
resident. This wraps `RemoteAction.run` (every custom action and form validation goes through it)
so a failed call gives one polite Finnish message with the emergency numbers, and the bot then
listens. Red flags do not need the action server (rasa_components.red_flag_policy), so the
emergency answer still comes. Nothing is kept: the next message tries the action server again,
so the bot recovers by itself when it is back.

2. Rasa checks every action server response against a JSON schema with `jsonschema.validate`,
which first checks the schema itself against the metaschema; with jsonschema 4.17 (inside Rasa's
pin) and no `$schema`, that is the 2020-12 metaschema, and the benchmark's profile showed it
taking half of the Rasa server's CPU under load. The same schema is now checked once and the
compiled validator reused: the same check of every response, at a fraction of the cost.
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
_validator: Any = None


def _validate_action_result(self: RemoteAction, result: Any) -> bool:
    """RemoteAction._validate_action_result with the schema's validator made once."""
    global _validator
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for

    if _validator is None:
        schema = RemoteAction.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)
        _validator = cls(schema)
    try:
        _validator.validate(result)
        return True
    except ValidationError as error:
        error.message += (". Failed to validate Action server response from API, make sure your response from the "
                          "Action endpoint is valid.")
        raise error


def install() -> None:
    """Idempotent: wraps RemoteAction.run and replaces its response check once per process."""
    if RemoteAction.run is not _run_or_apologise:
        RemoteAction.run = _run_or_apologise  # type: ignore[assignment]
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]

