package com.connectycube.test.java;

import com.connectycube.ConnectycubeLogLevel;
import com.connectycube.ConnectycubeSettings;
import com.connectycube.test.LoggingTestsKt;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The debug switch from Java, as the static calls of the Kotlin object read there: the full
 * flow's lines reach a {@code java.util.logging} handler of the {@code com.connectycube}
 * logger without a secret; with the switch off, none do.
 */
public final class JavaLoggingTests {
    private JavaLoggingTests() {}

    public static Map<String, Callable<Object>> all() {
        Map<String, Callable<Object>> tests = new LinkedHashMap<>();
        tests.put("logs (java): ConnectycubeSettings.setDebugEnabled(true): JUL lines of a full flow, no secret; off, none",
                JavaLoggingTests::debugSwitch);
        return tests;
    }

    static Object debugSwitch() throws Exception {
        Logger logger = Logger.getLogger("com.connectycube");
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getLevel() + " " + record.getSourceClassName() + ": " + record.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(handler);
        try {
            ConnectycubeSettings.setLogLevel(ConnectycubeLogLevel.TRACE);
            ConnectycubeSettings.setDebugEnabled(true);
            JavaDocsTests.check(ConnectycubeSettings.isDebugEnabled(), "isDebugEnabled()");
            List<String> secrets = LoggingTestsKt.loggedFlow();
            List<String> heard = LoggingTestsKt.awaitLine(() -> snapshot(lines), "reason=Destroyed");
            LoggingTestsKt.assertNoSecret(heard, secrets);
            JavaDocsTests.check(heard.stream().anyMatch(line -> line.contains("reason=Renewed")), "a renewal line: " + heard);

            ConnectycubeSettings.setDebugEnabled(false);
            // Every line of the flow has arrived (the last one did); nothing follows with the switch off.
            lines.clear();
            LoggingTestsKt.loggedFlow();
            Thread.sleep(300);
            JavaDocsTests.checkEquals(List.of(), snapshot(lines), "lines with the switch off");
        } finally {
            ConnectycubeSettings.setDebugEnabled(false);
            ConnectycubeSettings.setLogLevel(ConnectycubeLogLevel.DEBUG);
            logger.removeHandler(handler);
            logger.setLevel(null);
        }
        return null;
    }

    private static List<String> snapshot(List<String> lines) {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }
}
