"""Testing Python code against fakegraph-server: a suite to copy. Standard library only.

Run it with the server program built (`cmake --build build --target fakegraph-server`):

    FAKEGRAPH_SERVER=build/fakegraph-server python3 examples/python/test_fakegraph.py -v
    python3 examples/python/test_fakegraph.py --server build/fakegraph-server -v

or through CTest: `ctest --test-dir build -R example.python --output-on-failure`.

Each test class starts one server on a free loopback port (`--port 0`, the port is read
from the ready line) and stops it with SIGTERM at the end. Before every test, POST
/_fakegraph/reset puts the world, the clock, the fault rules and the journal back to the
seed, so the tests do not depend on each other's order. `--clock fixed` keeps the fake's
clock still unless a test moves it (POST /_fakegraph/clock), so time-dependent answers
(throttling, Retry-After) are the same on every run.
"""

import json
import os
import sys
import tempfile
import unittest

from fakegraph_server import FakegraphServer

ADELE = "adele-read"  # a delegated token of the default world (data/README.md)
CONTOSO = "b33cbe9f-8ebe-4f2a-912b-7e2a427f477f"  # the default world has two tenants
SEED_NOW = "2026-11-01T12:00:00Z"  # settings.now of the default world

SERVER_EXECUTABLE = os.environ.get("FAKEGRAPH_SERVER")


def list_all_chats(server, token, path="/v1.0/me/chats?$top=2"):
    """Every chat of the caller, following @odata.nextLink; also the number of pages."""
    chats, pages, url = [], 0, path
    while url:
        status, _, page = server.get(url, token=token)
        if status != 200:
            raise AssertionError("GET %s: %s %s" % (url, status, page))
        pages += 1
        if pages > 100:
            raise AssertionError("more than 100 pages: the nextLinks loop")
        chats.extend(page["value"])
        url = page.get("@odata.nextLink")  # absent on the last page
    return chats, pages


class ServerTestCase(unittest.TestCase):
    """One server per test class, reset before every test."""

    server_args = ("--clock", "fixed")

    @classmethod
    def setUpClass(cls):
        if not SERVER_EXECUTABLE:
            raise RuntimeError("give the fakegraph-server program: FAKEGRAPH_SERVER=path or "
                               "--server path")
        cls.server = FakegraphServer(SERVER_EXECUTABLE, *cls.server_args).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop_cleanly()

    def setUp(self):
        status, _, _ = self.server.control("POST", "/reset")
        self.assertEqual(status, 204)


class DefaultWorldTest(ServerTestCase):
    """The built-in default world (data/contoso.json)."""

    def test_lists_adeles_chats_page_by_page(self):
        chats, pages = list_all_chats(self.server, ADELE)
        self.assertEqual(pages, 4)  # 7 chats, 2 per page
        topics = [chat["topic"] for chat in chats]
        self.assertEqual(len(topics), 7)
        self.assertEqual(topics[0], "Offsite planning")  # newest first
        self.assertIn("Launch", topics)
        self.assertEqual(len({chat["id"] for chat in chats}), 7)  # each chat once

    def test_next_links_point_back_at_the_server(self):
        _, _, page = self.server.get("/v1.0/me/chats?$top=2", token=ADELE)
        self.assertTrue(page["@odata.nextLink"].startswith(self.server.base_url + "/v1.0/"))

    def test_without_a_token_the_answer_is_graphs_401(self):
        status, _, body = self.server.get("/v1.0/me/chats")
        self.assertEqual(status, 401)
        self.assertEqual(body["error"]["code"], "InvalidAuthenticationToken")

    def test_a_chat_added_through_the_control_plane_is_listed(self):
        status, _, added = self.server.control("POST", "/world", {
            "users": [{"userPrincipalName": "newcomer@contoso.com", "tenantId": CONTOSO}],
            "chats": [{
                "chatType": "group",
                "topic": "Python newcomers",
                "members": [{"user": "adele@contoso.com"}, {"user": "newcomer@contoso.com"}],
            }],
        })
        self.assertEqual(status, 201, added)
        self.assertEqual(len(added["chats"]), 1)

        chats, _ = list_all_chats(self.server, ADELE)
        self.assertEqual(len(chats), 8)
        listed = [chat for chat in chats if chat["id"] == added["chats"][0]]
        self.assertEqual([chat["topic"] for chat in listed], ["Python newcomers"])

    def test_reset_forgets_what_a_test_added(self):
        status, _, _ = self.server.control("POST", "/world", {
            "chats": [{"chatType": "group", "topic": "Gone after reset",
                       "members": [{"user": "adele@contoso.com"},
                                   {"user": "megan@contoso.com"}]}],
        })
        self.assertEqual(status, 201)
        self.assertEqual(self.server.control("POST", "/reset")[0], 204)
        chats, _ = list_all_chats(self.server, ADELE)
        self.assertNotIn("Gone after reset", [chat["topic"] for chat in chats])

    def test_an_injected_429_has_retry_after_and_is_in_the_journal(self):
        status, _, rule = self.server.control("POST", "/faults", {
            "route": "listChats", "nth": 1, "status": 429, "retryAfter": 2})
        self.assertEqual(status, 201, rule)

        status, headers, body = self.server.get("/v1.0/me/chats", token=ADELE)
        self.assertEqual(status, 429)
        self.assertEqual(headers["Retry-After"], "2")
        self.assertEqual(body["error"]["code"], "TooManyRequests")

        status, _, _ = self.server.get("/v1.0/me/chats", token=ADELE)  # nth 1: once only
        self.assertEqual(status, 200)

        status, _, journal = self.server.control("GET", "/journal?status=429")
        self.assertEqual(status, 200)
        self.assertEqual(len(journal["value"]), 1)
        entry = journal["value"][0]
        self.assertEqual(entry["endpoint"], "listChats")
        self.assertIn("/v1.0/me/chats", entry["url"])
        self.assertEqual(entry["principal"]["type"], "user")
        self.assertTrue(entry["fault"])

        status, _, faults = self.server.control("GET", "/faults")
        self.assertEqual([(f["matched"], f["fired"]) for f in faults["value"]], [(2, 1)])

    def test_the_clock_stands_still_moves_on_request_and_resets(self):
        self.assertEqual(self.server.control("GET", "/clock")[2],
                         {"now": SEED_NOW, "running": False})
        status, _, clock = self.server.control("POST", "/clock", {"advance": "PT1H30M"})
        self.assertEqual((status, clock), (200, {"now": "2026-11-01T13:30:00Z",
                                                 "running": False}))
        self.server.control("POST", "/reset")
        self.assertEqual(self.server.control("GET", "/clock")[2]["now"], SEED_NOW)

    def test_a_mistake_in_a_control_call_is_a_400_that_says_why(self):
        status, _, body = self.server.control("POST", "/clock", {"advance": "soon"})
        self.assertEqual(status, 400)
        self.assertIn("ISO-8601 duration", body["error"]["message"])


# A seed of its own: the smallest world with Teams throttling on, one List chats request
# per user per second.
THROTTLED_SEED = {
    "settings": {"now": SEED_NOW, "throttling": {"enabled": True, "listChatsPerUser": 1}},
    "tenants": [{"id": CONTOSO, "displayName": "Contoso"}],
    "users": [{"userPrincipalName": "adele@contoso.com"},
              {"userPrincipalName": "megan@contoso.com"}],
    "chats": [{"chatType": "oneOnOne", "members": [{"user": "adele@contoso.com"},
                                                   {"user": "megan@contoso.com"}]}],
    "tokens": [{"token": "adele", "user": "adele@contoso.com", "scopes": ["Chat.Read"]}],
}


class ThrottlingTest(ServerTestCase):
    """A server started with its own seed (--data), throttling on, the clock fixed."""

    @classmethod
    def setUpClass(cls):
        cls.seed_dir = tempfile.TemporaryDirectory(prefix="fakegraph-seed.")
        seed_path = os.path.join(cls.seed_dir.name, "throttled.json")
        with open(seed_path, "w", encoding="utf-8") as seed:
            json.dump(THROTTLED_SEED, seed)
        cls.server_args = ("--clock", "fixed", "--data", seed_path)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.seed_dir.cleanup()

    def test_a_client_that_waits_out_retry_after_is_served_again(self):
        self.assertEqual(self.server.get("/v1.0/me/chats", token="adele")[0], 200)

        status, headers, _ = self.server.get("/v1.0/me/chats", token="adele")
        self.assertEqual(status, 429)
        retry_after = int(headers["Retry-After"])
        self.assertEqual(retry_after, 1)

        # The clock has not moved: coming back now is throttled again.
        self.assertEqual(self.server.get("/v1.0/me/chats", token="adele")[0], 429)

        # Instead of sleeping, move the fake's clock past Retry-After.
        status, _, clock = self.server.control("POST", "/clock", {"advance": "PT5S"})
        self.assertEqual((status, clock), (200, {"now": "2026-11-01T12:00:05Z",
                                                 "running": False}))
        status, _, page = self.server.get("/v1.0/me/chats", token="adele")
        self.assertEqual(status, 200)
        self.assertEqual(len(page["value"]), 1)

        status, _, journal = self.server.control("GET", "/journal?status=429")
        self.assertEqual(len(journal["value"]), 2)

    def test_reset_clears_the_throttling_windows(self):
        self.assertEqual(self.server.get("/v1.0/me/chats", token="adele")[0], 200)
        self.assertEqual(self.server.get("/v1.0/me/chats", token="adele")[0], 429)
        self.server.control("POST", "/reset")
        self.assertEqual(self.server.get("/v1.0/me/chats", token="adele")[0], 200)


def main(argv):
    """--server PATH (else $FAKEGRAPH_SERVER); every other argument goes to unittest."""
    global SERVER_EXECUTABLE
    args = list(argv)
    if "--server" in args:
        at = args.index("--server")
        if at + 1 >= len(args):
            sys.exit("--server needs the path of fakegraph-server")
        SERVER_EXECUTABLE = args[at + 1]
        del args[at:at + 2]
    if not SERVER_EXECUTABLE:
        sys.exit("give the fakegraph-server program: FAKEGRAPH_SERVER=path or --server path")
    if not os.access(SERVER_EXECUTABLE, os.X_OK):
        sys.exit("%s: no such program (build it: cmake --build build --target "
                 "fakegraph-server)" % SERVER_EXECUTABLE)
    unittest.main(argv=args)


if __name__ == "__main__":
    main(sys.argv)
