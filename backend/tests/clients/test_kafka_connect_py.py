"""A third-party Kafka Connect client, kafka-connect-py, pointed at Plugboard's passthrough
instead of a worker, works unchanged on Connect 4 and on Connect 3.9: scripts/test.sh runs this
against the real local stack."""

import os
import pathlib
import re
import time
import unittest
import uuid

from kafka_connect import KafkaConnect

SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"
MAVEN = pathlib.Path(__file__).resolve().parents[3] / "scripts" / "maven"


def passthrough(cluster):
    return os.environ["PLUGBOARD_URL"] + f"/api/v1/clusters/{cluster}/connect"


def pinned(pom):
    """The Kafka version scripts/maven/POM/pom.xml pins: what the stack's workers run."""
    text = (MAVEN / pom / "pom.xml").read_text()
    return re.search(r"<kafka\.version>([^<]+)</kafka\.version>", text).group(1)


def eventually(what, check, seconds=90):
    """Polls check() until it returns something truthy (the cluster acts in its own time)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except Exception:  # noqa: BLE001 - a worker may 404 until it has read the new config
            pass
        time.sleep(0.5)
    raise AssertionError(f"gave up waiting for {what}")


class KafkaConnectPyThroughPlugboard(unittest.TestCase):
    """On the Connect 4 cluster `local`."""

    CLUSTER = "local"
    POM = "kafka-4"

    def setUp(self):
        self.client = KafkaConnect(url=passthrough(self.CLUSTER))
        self.name = f"py-client-{uuid.uuid4().hex[:10]}"

    def state_is(self, state):
        return lambda: self.client.get_connector_status(self.name)["connector"]["state"] == state

    def test_the_connector_lifecycle_works_unchanged(self):
        info = self.client.get_cluster_info()
        self.assertEqual(info["version"], pinned(self.POM))
        plugins = self.client.list_connector_plugins()
        self.assertIn(SINK, [p["class"] for p in plugins])

        config = {"connector.class": SINK, "tasks.max": "1", "topics": self.name, "file": f"/tmp/{self.name}.out"}
        created = self.client.create_connector({"name": self.name, "config": config})
        self.assertEqual(created["name"], self.name)
        eventually("RUNNING", self.state_is("RUNNING"))

        self.client.pause_connector(self.name)
        eventually("PAUSED", self.state_is("PAUSED"))
        self.client.resume_connector(self.name)
        eventually("RUNNING again", self.state_is("RUNNING"))
        restarted = self.client.restart_connector(self.name, include_tasks=True)
        self.assertEqual(restarted["name"], self.name)

        listed = self.client.list_connectors(expand="status", pattern=self.name)
        self.assertIn(self.name, listed)
        self.client.delete_connector(self.name)
        eventually("the deletion", lambda: self.name not in self.client.list_connectors())


class KafkaConnectPyThroughPlugboardOnConnect39(KafkaConnectPyThroughPlugboard):
    """The same on the Connect 3.9 cluster `legacy`."""

    CLUSTER = "legacy"
    POM = "connect-3.9"


if __name__ == "__main__":
    unittest.main()
