"""The scene-level VLM policy: a vision-language model writes each step's program.

:class:`VLMPolicy` speaks the :class:`~worldsmith.policy.protocol.Policy` protocol. Each
:meth:`~VLMPolicy.act` sends one chat request to an OpenAI-compatible endpoint
(:class:`~.client.ChatClient`): the system prompt (:func:`~.prompting.system_prompt`, generated from
the DSL's docstrings, with worked examples) and one user message built from the observation
(:func:`~.prompting.observation_messages`: the prompt, the scene summary, the validation report,
the last program and its outcome, programs retrieved from the in-context library, and the renders
as base64 PNGs). The reply is parsed (:func:`~.reply.parse_reply`) into reasoning, one program and
whether the model wrote ``done()``.

The model builds (or, after the offline planner, refines) the scene until it writes ``done()``
(alone: an empty final step; with a program: that program is its final step), or the runner stops
it (patience, ``max_steps``). An unparsable reply is a failed step (``error.code == "E_REPLY"``)
the model is told about. Small objects on containers are the asset-level policy's phase
(:class:`worldsmith.policy.assets.phase.AssetPhase`), run after this one by the pipeline.

Network failures the client could not recover from (after its retries) raise
:class:`~.client.VLMError` when nothing has been built yet; later, they end the episode with the
scene built so far and an explanation (``{"action": "stopped", "reason": ...}``).

What the policy counts as the prompt's requirements (for the report and the loop's reward) is
what the offline planner's parser extracts (:func:`worldsmith.policy.offline.parse.parse_prompt`),
so both planners are judged the same way.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..protocol import Observation, PolicyStep
from .client import ClientConfig

log = logging.getLogger(__name__)

ASSET_MODES = ("vlm", "offline", "off")


@dataclass(frozen=True)
class VLMSettings:
    """Everything the VLM policy is configured with (the CLI's ``--model``, ``--base-url`` ... flags).

    ``client`` is the endpoint and how to talk to it (:class:`~.client.ClientConfig`: URL, model,
    key, timeout, retries, concurrency, temperature, prices); ``library`` a JSONL file of the
    in-context library (:class:`~.library.ProgramLibrary`), ``library_k`` how many entries go in
    the prompt; ``examples`` how many worked examples the system prompt carries; ``image_detail``
    the OpenAI ``detail`` of each image; ``asset_policy`` what chooses and points for small
    objects after the scene phase ("vlm": this model; "offline": the offline rules; "off": none)."""

    client: ClientConfig
    library: str | None = None
    library_k: int = 2
    examples: int = 2
    image_detail: str = "auto"
    asset_policy: str = "vlm"
    asset_view_size: tuple[int, int] = (512, 512)

    @property
    def model(self) -> str:
        return self.client.model

    def public(self) -> dict[str, Any]:
        """The settings for the report (never the key)."""
        d = dataclasses.asdict(self)
        d["client"].pop("api_key")
        d["asset_view_size"] = list(self.asset_view_size)
        return d


class VLMPolicy:
    """See the module doc. ``client``: an already built client (tests, shared by several policies);
    ``root``: the folder observation render paths are relative to (the episode's output folder)."""

    name = "vlm"

    def __init__(self, settings: VLMSettings, *, client: Any = None, root: str | Path | None = None):
        if settings.asset_policy not in ASSET_MODES:
            from ...scene import WorldsmithError

            raise WorldsmithError(f"unknown asset policy {settings.asset_policy!r}; choose one of: "
                                  f"{', '.join(ASSET_MODES)}")
        self.settings = settings
        self._owns_client = client is None
        if client is None:
            from .client import ChatClient

            client = ChatClient(settings.client)
        self.client = client
        #: the folder observation render paths are relative to (the episode's output folder)
        self.root = Path(root) if root is not None else None
        self._system: str | None = None
        self._library = None
        self.prompt = ""
        self.seed = 0
        self.retrieved: list[tuple[str, str]] = []
        self.notes: list[dict] = []
        self._requirements: list[dict] = []
        #: the messages of every chat request of the episode, in order (what trajectory data records)
        self.sent: list[list[dict]] = []

    # -- protocol --------------------------------------------------------------------------------
    def reset(self, prompt: str, seed: int) -> None:
        from ..offline.parse import parse_prompt

        self.prompt, self.seed = prompt, seed
        self.notes = []
        self.sent = []
        self._requirements = [dataclasses.asdict(r) for r in parse_prompt(prompt).requirements]
        self.retrieved = []
        if self.settings.library and self.settings.library_k > 0:
            self.retrieved = [(e.prompt, e.program) for e in self.library().retrieve(prompt, k=self.settings.library_k)]

    def act(self, observation: Observation) -> PolicyStep | None:
        from .client import VLMError
        from .reply import ReplyError, parse_reply

        messages = self.messages(observation)
        self.sent.append(messages)
        try:
            reply = self.client.chat(messages)
        except VLMError as exc:
            if not observation.scene.rooms:  # nothing built yet: the run fails, nothing is written
                raise
            self.notes.append({"action": "stopped", "stage": "vlm", "reason": str(exc)})
            log.warning("the model could not be reached (%s); keeping the scene built so far", exc)
            return None
        usage = reply.usage_record()
        try:
            parsed = parse_reply(reply.text)
        except ReplyError as exc:
            return PolicyStep("", stage="vlm", note="unparsable reply", reasoning=reply.text[:4000], usage=usage,
                              error={"code": "E_REPLY", "line": None, "message": str(exc),
                                     "hint": "answer with brief reasoning and exactly one ```python fenced program"})
        return PolicyStep(parsed.program, stage="vlm", note="done" if parsed.done and not parsed.program.strip()
                          else _first_line(parsed.reasoning), reasoning=parsed.reasoning, usage=usage,
                          final=parsed.done)

    def explanations(self) -> list[dict]:
        return list(self.notes)

    def close(self) -> None:
        """Close the HTTP client when this policy made it (a client passed in stays open)."""
        if self._owns_client and hasattr(self.client, "close"):
            self.client.close()

    def requirements(self) -> list[dict]:
        return list(self._requirements)

    def design_summary(self) -> dict:
        return {"model": self.settings.model, "library_examples": [p for p, _ in self.retrieved],
                "settings": self.settings.public()}

    # -- pieces ------------------------------------------------------------------------------------
    def system(self) -> str:
        if self._system is None:
            from .prompting import system_prompt

            self._system = system_prompt(examples=self.settings.examples)
        return self._system

    def library(self):
        if self._library is None:
            from .library import ProgramLibrary

            self._library = ProgramLibrary(self.settings.library)
        return self._library

    def messages(self, observation: Observation) -> list[dict]:
        """The chat request's messages for ``observation`` (the system prompt plus one user message)."""
        from .prompting import observation_messages

        renders = observation.renders
        if self.root is not None:
            renders = tuple(str(self.root / p) for p in renders)
        obs = dataclasses.replace(observation, renders=renders)
        return observation_messages(obs, system=self.system(), library=self.retrieved,
                                    image_detail=self.settings.image_detail)


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return ""
