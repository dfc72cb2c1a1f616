package com.connectycube.test.java;

import com.connectycube.AuthStateSubscription;
import com.connectycube.ConnectyCube;
import com.connectycube.auth.ConnectycubeAuth;
import com.connectycube.auth.session.ConnectycubeSession;
import com.connectycube.auth.session.ConnectycubeSessionManager;
import com.connectycube.test.AuthStateTestsKt;
import com.connectycube.test.Emulator;
import com.connectycube.test.Received;
import com.connectycube.test.TestMainKt;
import com.connectycube.users.ConnectycubeUsers;
import com.connectycube.users.model.ConnectycubeUser;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import kotlin.Triple;
import kotlin.Unit;

/**
 * The auth state from Java: the static listener of the new API and the 1.x
 * {@code ConnectycubeSessionManager.SessionListener}, through a session's whole life driven by
 * the blocking 1.x calls a Java app off the main thread makes.
 */
public final class JavaAuthStateTests {
    private static final String PASSWORD = "supersecurepwd";
    private static final String NEW_PASSWORD = "brand-new-pass";

    private JavaAuthStateTests() {}

    public static Map<String, Callable<Object>> all() {
        Map<String, Callable<Object>> tests = new LinkedHashMap<>();
        tests.put("java: ConnectyCube.addAuthStateListener (static) hears a session's life in order", JavaAuthStateTests::staticListener);
        tests.put("java: 1.x ConnectycubeSessionManager.getInstance().addListener(SessionListener)", JavaAuthStateTests::sessionListener);
        return tests;
    }

    /**
     * Sign in, expire and renew, change the password, sign out, destroy. {@code heard} and
     * {@code after} let a step wait for a listener's callbacks before the next one.
     */
    private static void sessionLife(int me, String login, Received<String> heard, int[] after) throws Exception {
        ConnectycubeSession session = ConnectycubeAuth.createSession(login, PASSWORD).perform();
        JavaDocsTests.checkEquals(me, session.getUserId(), "signed-in user");
        awaitStep(heard, after, 0);
        Emulator.INSTANCE.advanceClock(7201);
        JavaDocsTests.checkEquals(me, ConnectycubeUsers.getUser(me).perform().getId(), "a call on the expired session");
        awaitStep(heard, after, 1);
        ConnectycubeUser change = new ConnectycubeUser();
        change.setPassword(NEW_PASSWORD);
        change.setOldPassword(PASSWORD);
        ConnectycubeUsers.updateUser(change).perform();
        awaitStep(heard, after, 2);
        ConnectycubeUsers.signOut().perform();
        awaitStep(heard, after, 3);
        ConnectycubeAuth.deleteSession().perform();
        awaitStep(heard, after, 4);
    }

    private static void awaitStep(Received<String> heard, int[] after, int step) {
        if (heard != null) heard.await(after[step], "callbacks after step " + step);
    }

    static Object staticListener() throws Exception {
        String login = com.connectycube.test.TestMainKt.unique("marvin");
        int me = AuthStateTestsKt.initForRenewal(login);
        Received<Triple<?, ?, ?>> heard = new Received<>();
        AuthStateSubscription subscription = ConnectyCube.addAuthStateListener(state -> {
            heard.add(AuthStateTestsKt.triple(state));
            return Unit.INSTANCE;
        });
        try {
            heard.await(1, "the first state");
            sessionLife(me, login, null, null);
            List<?> expected = AuthStateTestsKt.documentedSequence(me);
            JavaDocsTests.checkEquals(expected, heard.await(expected.size(), "listener"), "the states heard");
            // The StateFlow is fed by its own native listener: it reaches the last state soon.
            Object last = expected.get(expected.size() - 1);
            long deadline = System.currentTimeMillis() + 10_000;
            while (!last.equals(AuthStateTestsKt.triple(ConnectyCube.getAuthState().getValue()))
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            JavaDocsTests.checkEquals(last, AuthStateTestsKt.triple(ConnectyCube.getAuthState().getValue()),
                    "getAuthState().getValue()");
            JavaDocsTests.checkEquals(last, AuthStateTestsKt.triple(ConnectyCube.authState()), "authState()");
        } finally {
            subscription.cancel();
        }
        return null;
    }

    static Object sessionListener() throws Exception {
        String login = TestMainKt.unique("marvin");
        int me = AuthStateTestsKt.initForRenewal(login);
        Received<String> heard = new Received<>();
        ConnectycubeSessionManager.SessionListener listener = new ConnectycubeSessionManager.SessionListener() {
            private String user(ConnectycubeSession session) {
                return session == null || session.getUserId() == null ? "-" : session.getUserId().toString();
            }

            @Override
            public void onSessionCreated(ConnectycubeSession session) {
                heard.add("created:" + user(session));
            }

            @Override
            public void onSessionUpdated(ConnectycubeSession session) {
                heard.add("updated:" + user(session));
            }

            @Override
            public void onSessionDeleted() {
                heard.add("deleted:-");
            }

            @Override
            public void onSessionRestored(ConnectycubeSession session) {
                heard.add("restored:" + user(session));
            }

            @Override
            public void onSessionExpired() {
                heard.add("expired:-");
            }

            @Override
            public void onProviderSessionExpired(String provider) {
                heard.add("provider:" + provider);
            }
        };
        ConnectycubeSessionManager.getInstance().addListener(listener);
        try {
            sessionLife(me, login, heard, new int[] {1, 3, 4, 5, 6});
            List<String> expected = AuthStateTestsKt.legacySequence(me);
            JavaDocsTests.checkEquals(expected, heard.await(expected.size(), "1.x callbacks"), "1.x callbacks");
        } finally {
            ConnectycubeSessionManager.getInstance().removeListener(listener);
        }
        return null;
    }
}
