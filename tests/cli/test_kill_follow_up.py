"""kill -9 while `assistant follow-up` writes a new version, at random points (kill_harness).

After each kill the next start finds the version interrupted (or complete), holding at least every
character that was printed, with the instruction and the earlier versions intact; Continue goes on
from that text; the history database passes its integrity check.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from assistant.core.prompts.modes import builtin_modes
from assistant.core.providers.profiles import ProviderProfile
from assistant.core.storage.history import HistoryStore
from assistant.core.storage.threads import ThreadStore
from assistant.core.work.follow_ups import continue_version
from tests.fakeserver import FakeOpenAIServer
from tests.kill_harness import (
    SEEDS,
    KillPoint,
    assistant_process,
    integrity_ok,
    kill_during,
    printed,
)

REPLY = "".join(f"Sentence {i} about otters — カワウソ 🦦.\n" for i in range(120))
FIRST = "The first answer {kept} \\ exactly."
INSTRUCTION = "Rewrite it {longer} \\ with 🦦"
SPAN_S = 2.5  # kill points: the first 2.5 s after the first text is printed (the stream is ~3 s)


def test_kill_assistant_follow_up_while_it_writes_a_version(
    openai_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    openai_server.reply = REPLY
    openai_server.delta_size = 5
    openai_server.delta_delay = 0.004
    messages = [{"role": "user", "content": "Write about otters"}]

    def start() -> subprocess.Popen[bytes]:
        store = HistoryStore.open()  # this seed's fresh app folder
        record_id = store.start("article", {"topic": "Kill"}, messages, "L", "", "m", {})
        store.finish(record_id, "complete", answers=[FIRST])
        store.close()
        return assistant_process(
            "follow-up", str(record_id), INSTRUCTION, "--base-url", openai_server.base_url
        )

    def check(point: KillPoint) -> None:
        assert integrity_ok(point.history_path), f"seed {point.seed}: history corrupt"
        store = HistoryStore.open()  # what the next start of the app does first
        assert store.mark_interrupted() in ([1], [])
        thread = ThreadStore(store).thread(1)
        store.close()
        assert thread is not None and len(thread.versions) == 2 and thread.current == 2
        assert thread.version(1).text == FIRST  # the earlier version is untouched
        assert thread.turn(1).instruction == INSTRUCTION
        version = thread.version(2)
        assert version.status in ("interrupted", "complete"), version.status
        assert REPLY.startswith(version.text), "the recovered version is not the streamed one"
        assert version.text.startswith(point.shown), (
            f"seed {point.seed}: {len(point.shown)} characters were printed, "
            f"only {len(version.text)} came back"
        )
        if version.status == "interrupted":
            profile = ProviderProfile("L", "compatible", openai_server.base_url, "m")
            going_on = continue_version(builtin_modes()["article"], thread, 2, profile)
            assert going_on.prefix == version.text
            assert going_on.messages[-2] == {"role": "assistant", "content": version.text}
            assert going_on.follow_up is not None and going_on.follow_up.continues == 2

    points = kill_during(start, printed, check, base=tmp_path, span_s=SPAN_S, ready=b"Sentence 0 ")
    assert len(points) == len(SEEDS) and all(point.shown for point in points)
