package com.connectycube.test.java;

import com.connectycube.ConnectyCube;
import com.connectycube.RequestEvent;
import com.connectycube.auth.ConnectycubeAuth;
import com.connectycube.test.Emulator;
import com.connectycube.test.Received;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import kotlin.Unit;

/** The request observer set from Java with a lambda, as the README shows. */
public final class JavaRequestObserverTests {
    private JavaRequestObserverTests() {}

    public static Map<String, Callable<Object>> all() {
        Map<String, Callable<Object>> tests = new LinkedHashMap<>();
        tests.put("java: ConnectyCube.setRequestObserver(lambda) hears POST /session with its status", JavaRequestObserverTests::lambdaObserver);
        return tests;
    }

    private static Object lambdaObserver() throws Exception {
        Received<RequestEvent> heard = new Received<>();
        ConnectyCube.setRequestObserver(event -> {
            heard.add(event);
            return Unit.INSTANCE;
        });
        try {
            ConnectycubeAuth.createSession().perform();
            List<RequestEvent> events = heard.await(1, "request events");
            JavaDocsTests.checkEquals(1, events.size(), "events");
            RequestEvent event = events.get(0);
            JavaDocsTests.checkEquals("POST /session", event.getMethod() + " " + event.getRoute(), "route");
            JavaDocsTests.checkEquals(201, event.getHttpStatus(), "status");
            JavaDocsTests.checkEquals(Emulator.INSTANCE.requests("POST /session"), event.getAttempts(), "attempts against the emulator's count");
        } finally {
            ConnectyCube.setRequestObserver(null);
        }
        return null;
    }
}
