package com.connectycube.test.java;

import com.connectycube.ConnectyCube;
import com.connectycube.ConnectycubeSessionManager;
import com.connectycube.auth.ConnectycubeAuth;
import com.connectycube.core.ConnectycubeSettings;
import com.connectycube.core.ServiceZone;
import com.connectycube.core.exception.ResponseException;
import com.connectycube.storage.model.ConnectycubeFile;
import com.connectycube.test.Emulator;
import com.connectycube.test.legacy.Outcome;
import com.connectycube.users.ConnectycubeUsers;
import com.connectycube.users.model.ConnectycubeUser;
import android.content.Context;
import android.os.Bundle;
import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import kotlin.Unit;

/**
 * Runs each Java snippet of the Android guide ({@link JavaDocsSnippets}) against the emulator
 * and checks what its callback received, and calls the new API statically from Java. The
 * Kotlin runner (TestMain.kt) loads {@link #all()}; each test starts from a reset emulator.
 * Setup uses the blocking 1.x form, as a Java app off the main thread would.
 */
public final class JavaDocsTests {
    private static final String PASSWORD = "supersecurepwd";

    private JavaDocsTests() {}

    public static Map<String, Callable<Object>> all() {
        Map<String, Callable<Object>> tests = new LinkedHashMap<>();
        tests.put("java docs: signIn", JavaDocsTests::signIn);
        tests.put("java docs: deleteSession", JavaDocsTests::deleteSession);
        tests.put("java docs: signUp with phone and tags", JavaDocsTests::signUp);
        tests.put("java docs: updateUser", JavaDocsTests::updateUser);
        tests.put("java docs: avatar upload, customData, private URL", JavaDocsTests::avatar);
        tests.put("java docs: resetPassword", JavaDocsTests::resetPassword);
        tests.put("java docs: getUsersByIDs, paging in the Bundle", JavaDocsTests::getUsersByIds);
        tests.put("java docs: getUserByLogin", JavaDocsTests::getUserByLogin);
        tests.put("java docs: getUserByEmail", JavaDocsTests::getUserByEmail);
        tests.put("java docs: getUsersByFullName", JavaDocsTests::getUsersByFullName);
        tests.put("java docs: getUsersByPhoneNumbers", JavaDocsTests::getUsersByPhoneNumbers);
        tests.put("java docs: getUserByExternalId", JavaDocsTests::getUserByExternalId);
        tests.put("java docs: getUsersByTags", JavaDocsTests::getUsersByTags);
        tests.put("java docs: deleteUser", JavaDocsTests::deleteUser);
        tests.put("java: new API called statically (ConnectyCube.createSession, getUserByLogin)", JavaDocsTests::newApiStatic);
        tests.put("java: perform() throws ResponseException with status and reasons", JavaDocsTests::performThrows);
        tests.put("java: 1.x launch code (ConnectycubeSettings.getInstance().init(context, …))", JavaDocsTests::settings);
        return tests;
    }

    // ------------------------------------------------------------------ setup and checks

    private static ConnectycubeUser signUp(ConnectycubeUser user) throws ResponseException {
        if (user.getPassword() == null) {
            user.setPassword(PASSWORD);
        }
        return ConnectycubeUsers.signUp(user).perform();
    }

    private static ConnectycubeUser signedInMarvin() throws ResponseException {
        signUp(new ConnectycubeUser("marvin18", PASSWORD, "awesomeman@gmail.com"));
        return ConnectycubeUsers.signIn("marvin18", PASSWORD).perform();
    }

    private static List<Integer> ids(List<ConnectycubeUser> users) {
        return users.stream().map(ConnectycubeUser::getId).sorted().collect(Collectors.toList());
    }

    static void check(boolean condition, String what) {
        if (!condition) throw new AssertionError(what);
    }

    static void checkEquals(Object expected, Object actual, String what) {
        if (expected == null ? actual != null : !expected.equals(actual)) {
            throw new AssertionError(what + ": expected <" + expected + ">, got <" + actual + ">");
        }
    }

    // ------------------------------------------------------------------ the snippets

    static Object signIn() throws Exception {
        ConnectycubeUser created = signUp(new ConnectycubeUser("marvin18", PASSWORD));
        Outcome<ConnectycubeUser> outcome = new Outcome<>();
        JavaDocsSnippets.signIn(outcome);
        ConnectycubeUser user = outcome.await();
        checkEquals(created.getId(), user.getId(), "signed-in user id");
        checkEquals(created.getId(), ConnectycubeSessionManager.getActiveSession().getUserId(), "session user");
        return user;
    }

    static Object deleteSession() throws Exception {
        signedInMarvin();
        String token = ConnectycubeSessionManager.getToken();
        Outcome<Void> outcome = new Outcome<>();
        JavaDocsSnippets.deleteSession(outcome);
        checkEquals(null, outcome.await(), "onSuccess result");
        checkEquals(401, Emulator.INSTANCE.sessionStatus(token), "the deleted token on the server");
        return null;
    }

    static Object signUp() throws Exception {
        Outcome<ConnectycubeUser> outcome = new Outcome<>();
        JavaDocsSnippets.signUp(outcome);
        ConnectycubeUser user = outcome.await();
        check(user.getId() != null && user.getId() > 0, "an id: " + user);
        checkEquals("marvin18", user.getLogin(), "login");
        checkEquals("awesomeman@gmail.com", user.getEmail(), "email");
        checkEquals("Marvin Simon", user.getFullName(), "fullName");
        checkEquals("47802323143", user.getPhone(), "phone");
        checkEquals("https://dozensofdreams.com", user.getWebsite(), "website");
        checkEquals("iphone,apple", String.valueOf(user.getTags()), "tags");
        checkEquals(null, user.getPassword(), "no password read back");
        return user;
    }

    static Object updateUser() throws Exception {
        ConnectycubeUser me = signedInMarvin();
        Outcome<ConnectycubeUser> outcome = new Outcome<>();
        JavaDocsSnippets.updateUser(outcome);
        ConnectycubeUser updated = outcome.await();
        checkEquals(me.getId(), updated.getId(), "updated user");
        checkEquals("marvin18", updated.getLogin(), "login kept");
        checkEquals("Marvin Simon", updated.getFullName(), "fullName");
        return updated;
    }

    static Object avatar() throws Exception {
        ConnectycubeUser me = signedInMarvin();
        byte[] bytes = new byte[2048];
        Arrays.fill(bytes, (byte) 7);
        File imageFile = File.createTempFile("avatar", ".jpg");
        imageFile.deleteOnExit();
        Files.write(imageFile.toPath(), bytes);
        Outcome<ConnectycubeFile> uploaded = new Outcome<>();
        Outcome<ConnectycubeUser> updated = new Outcome<>();
        JavaDocsSnippets.uploadAvatar(imageFile, new ConnectycubeUser(), uploaded, updated);
        String uid = uploaded.await().getUid();
        check(uid != null && !uid.isEmpty(), "a uid");
        checkEquals("{\"avatar_uid\":\"" + uid + "\"}", updated.await().getCustomData(), "customData");
        String url = JavaDocsSnippets.avatarUrl(ConnectycubeUsers.getUser(me.getId()).perform());
        kotlin.Pair<Integer, byte[]> download = Emulator.INSTANCE.getUrl(url);
        checkEquals(200, download.getFirst(), "GET private URL");
        check(Arrays.equals(bytes, download.getSecond()), "the downloaded bytes");
        return url;
    }

    static Object resetPassword() throws Exception {
        signUp(new ConnectycubeUser("marvin18", PASSWORD, "awesomeman@gmail.com"));
        Outcome<Void> outcome = new Outcome<>();
        JavaDocsSnippets.resetPassword(outcome);
        checkEquals(null, outcome.await(), "onSuccess result");
        check(Emulator.INSTANCE.outbox().contains("awesomeman@gmail.com"), "the reset email was sent");
        return null;
    }

    static Object getUsersByIds() throws Exception {
        for (int i = 1; i <= 23; i++) {
            signUp(new ConnectycubeUser("user" + i, PASSWORD));
        }
        Outcome<ArrayList<ConnectycubeUser>> outcome = new Outcome<>();
        Bundle params = JavaDocsSnippets.getUsersByIds(outcome);
        checkEquals(Arrays.asList(22, 23), ids(outcome.await()), "users 22 and 23");
        check(outcome.params() == params, "onSuccess receives the Bundle given to the call");
        checkEquals(1, params.getInt("current_page"), "current_page");
        checkEquals(50, params.getInt("per_page"), "per_page");
        checkEquals(2, params.getInt("total_entries"), "total_entries");
        return null;
    }

    static Object getUserByLogin() throws Exception {
        ConnectycubeUser amigo = signUp(new ConnectycubeUser("amigo"));
        Outcome<ConnectycubeUser> outcome = new Outcome<>();
        JavaDocsSnippets.getUserByLogin(outcome);
        checkEquals(amigo.getId(), outcome.await().getId(), "user by login");
        return null;
    }

    static Object getUserByEmail() throws Exception {
        ConnectycubeUser amigo = signUp(new ConnectycubeUser("amigo", PASSWORD, "amigo@gmail.com"));
        Outcome<ConnectycubeUser> outcome = new Outcome<>();
        JavaDocsSnippets.getUserByEmail(outcome);
        checkEquals(amigo.getId(), outcome.await().getId(), "user by email");
        return null;
    }

    static Object getUsersByFullName() throws Exception {
        ConnectycubeUser samuel = new ConnectycubeUser("samuel", PASSWORD);
        samuel.setFullName("Marvin Samuel");
        samuel = signUp(samuel);
        ConnectycubeUser simon = new ConnectycubeUser("simon", PASSWORD);
        simon.setFullName("Marvin Simon");
        signUp(simon);
        Outcome<ArrayList<ConnectycubeUser>> outcome = new Outcome<>();
        JavaDocsSnippets.getUsersByFullName(outcome);
        checkEquals(Arrays.asList(samuel.getId()), ids(outcome.await()), "users by full name");
        return null;
    }

    static Object getUsersByPhoneNumbers() throws Exception {
        ConnectycubeUser phoned = new ConnectycubeUser("phoned", PASSWORD);
        phoned.setPhone("+4427123314");
        phoned = signUp(phoned);
        signUp(new ConnectycubeUser("unphoned", PASSWORD));
        Outcome<ArrayList<ConnectycubeUser>> outcome = new Outcome<>();
        JavaDocsSnippets.getUsersByPhoneNumbers(outcome);
        checkEquals(Arrays.asList(phoned.getId()), ids(outcome.await()), "users by phone");
        return null;
    }

    static Object getUserByExternalId() throws Exception {
        ConnectycubeUser external = new ConnectycubeUser("external", PASSWORD);
        external.setExternalId("3789");
        external = signUp(external);
        Outcome<ConnectycubeUser> outcome = new Outcome<>();
        JavaDocsSnippets.getUserByExternalId(outcome);
        checkEquals(external.getId(), outcome.await().getId(), "user by external id");
        return null;
    }

    static Object getUsersByTags() throws Exception {
        ConnectycubeUser tagged = new ConnectycubeUser("tagged", PASSWORD);
        tagged.setTags(new com.connectycube.core.helper.StringifyArrayList<>(Arrays.asList("iphone", "apple")));
        tagged = signUp(tagged);
        ConnectycubeUser other = new ConnectycubeUser("other", PASSWORD);
        other.setTags(new com.connectycube.core.helper.StringifyArrayList<>(Arrays.asList("android")));
        signUp(other);
        Outcome<ArrayList<ConnectycubeUser>> outcome = new Outcome<>();
        JavaDocsSnippets.getUsersByTags(outcome);
        checkEquals(Arrays.asList(tagged.getId()), ids(outcome.await()), "users by tag");
        return null;
    }

    static Object deleteUser() throws Exception {
        ConnectycubeUser me = signedInMarvin();
        Outcome<Void> outcome = new Outcome<>();
        JavaDocsSnippets.deleteUser(outcome);
        checkEquals(null, outcome.await(), "onSuccess result");
        ConnectycubeAuth.createSession().perform();
        try {
            ConnectycubeUsers.getUser(me.getId()).perform();
            throw new AssertionError("the deleted user was found");
        } catch (ResponseException e) {
            checkEquals(404, e.getHttpStatusCode(), "the deleted user");
        }
        return null;
    }

    // ------------------------------------------------------------------ the new API from Java

    /** `ConnectyCube.op(…)` with no `INSTANCE`: every callback form is a static method. */
    static Object newApiStatic() throws Exception {
        signUp(new ConnectycubeUser("marvin18", PASSWORD));
        com.connectycube.ConnectycubeUser credentials = new com.connectycube.ConnectycubeUser();
        credentials.setLogin("marvin18");
        credentials.setPassword(PASSWORD);
        CountDownLatch latch = new CountDownLatch(2);
        AtomicReference<Object> session = new AtomicReference<>();
        AtomicReference<Object> found = new AtomicReference<>();
        ConnectyCube.createSession(credentials, s -> {
            session.set(s);
            latch.countDown();
            ConnectyCube.getUserByLogin("marvin18", user -> {
                found.set(user);
                latch.countDown();
                return Unit.INSTANCE;
            }, error -> {
                found.set(error);
                latch.countDown();
                return Unit.INSTANCE;
            });
            return Unit.INSTANCE;
        }, error -> {
            session.set(error);
            latch.countDown();
            latch.countDown();
            return Unit.INSTANCE;
        });
        check(latch.await(15, TimeUnit.SECONDS), "both callbacks within 15 s");
        check(session.get() instanceof com.connectycube.ConnectycubeSession, "createSession: " + session.get());
        check(found.get() instanceof com.connectycube.ConnectycubeUser, "getUserByLogin: " + found.get());
        com.connectycube.ConnectycubeUser user = (com.connectycube.ConnectycubeUser) found.get();
        checkEquals("marvin18", user.getLogin(), "login");
        checkEquals(user.getId(), ((com.connectycube.ConnectycubeSession) session.get()).getUserId(), "session user");
        return user;
    }

    static Object performThrows() throws Exception {
        signUp(new ConnectycubeUser("marvin18", PASSWORD));
        try {
            ConnectycubeUsers.signIn("marvin18", "wrong-password").perform();
            throw new AssertionError("a wrong password signed in");
        } catch (ResponseException e) {
            checkEquals(401, e.getHttpStatusCode(), "status");
            check(!e.getErrors().isEmpty(), "reasons");
            check(!e.toString().contains("wrong-password"), "no password in " + e);
        }
        return null;
    }

    /** As a 1.x `Application.onCreate` writes it, then a call on the settings it made. */
    static Object settings() throws Exception {
        signUp(new ConnectycubeUser("marvin18", PASSWORD));
        java.util.concurrent.Executor jvmExecutor = ConnectyCube.getCallbackExecutor();
        Context context = new Context() {
            @Override
            public Context getApplicationContext() {
                return this;
            }
        };
        try {
            ConnectycubeSettings.getInstance().init(context, "1", "29WfrNWdvkhmX6V", "");
            ConnectycubeSettings.getInstance().setEndpoints(com.connectycube.test.TestMainKt.getEndpoint(), "chat.example.com", ServiceZone.PRODUCTION);
            ConnectycubeSettings.getInstance().setAutoCreateSession(true);
            check(ConnectycubeSettings.getInstance().isAutoCreateSession(), "isAutoCreateSession");
            ConnectycubeUser user = ConnectycubeUsers.signIn("marvin18", PASSWORD).perform();
            checkEquals("marvin18", user.getLogin(), "signed in on the settings' endpoint");
            return user;
        } finally {
            ConnectyCube.setCallbackExecutor(jvmExecutor);
        }
    }
}
