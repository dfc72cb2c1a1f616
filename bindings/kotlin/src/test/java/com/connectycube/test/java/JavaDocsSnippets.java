package com.connectycube.test.java;

import android.os.Bundle;
import com.connectycube.auth.ConnectycubeAuth;
import com.connectycube.core.EntityCallback;
import com.connectycube.core.exception.ResponseException;
import com.connectycube.core.helper.StringifyArrayList;
import com.connectycube.core.request.PagedRequestBuilder;
import com.connectycube.storage.ConnectycubeStorage;
import com.connectycube.storage.model.ConnectycubeFile;
import com.connectycube.test.legacy.JsonObject; // FIX: a test-local stand-in of Gson's class
import com.connectycube.test.legacy.JsonParser; // FIX: a test-local stand-in of Gson's class
import com.connectycube.test.legacy.JsonPrimitive; // FIX: a test-local stand-in of Gson's class
import com.connectycube.test.legacy.Outcome;
import com.connectycube.users.ConnectycubeUsers;
import com.connectycube.users.model.ConnectycubeUser;
import java.io.File;
import java.util.ArrayList;
import java.util.List;

/**
 * The Java snippets of the Android "Authentication and Users" guide
 * (shared/seeds/002_1aa15d264106168f.txt), run by {@link JavaDocsTests}.
 *
 * <p>The guide's text is kept, except where a {@code // FIX:} comment says why. The seed is a
 * text extraction that drops some lines (closing braces, the {@code add(…)} calls of a list);
 * those are restored and marked {@code // FIX: restored}. The guide leaves every callback body
 * empty: here each body hands what it received to an {@code outcome} parameter, which the test
 * awaits and checks. Declarations the guide elides ({@code imageFile}, {@code user}) are
 * parameters.
 */
final class JavaDocsSnippets {
    private JavaDocsSnippets() {}

    /** "Create session token". */
    static void signIn(Outcome<ConnectycubeUser> outcome) {
        final ConnectycubeUser user = new ConnectycubeUser();
        user.setLogin("marvin18");
        user.setPassword("supersecurepwd");

        ConnectycubeUsers.signIn(user).performAsync(new EntityCallback<ConnectycubeUser>() {
            public void onSuccess(ConnectycubeUser user, Bundle args) {
                outcome.success(user, args); // FIX: the guide's body is empty
            }

            public void onError(ResponseException error) {
                outcome.error(error); // FIX: the guide's body is empty
            }
        });
    }

    /** "Destroy session token". */
    static void deleteSession(Outcome<Void> outcome) {
        ConnectycubeAuth.deleteSession().performAsync(new EntityCallback<Void>() {
            public void onSuccess(Void result, Bundle params) {
                outcome.success(result, params); // FIX: the guide's body is empty
            }

            public void onError(ResponseException responseException) {
                outcome.error(responseException); // FIX: the guide's body is empty
            }
        });
    }

    /** "User signup". */
    static void signUp(Outcome<ConnectycubeUser> outcome) {
        final ConnectycubeUser user = new ConnectycubeUser("marvin18", "supersecurepwd");
        user.setLogin("marvin18");
        user.setPassword("supersecurepwd");
        user.setEmail("awesomeman@gmail.com");
        user.setFullName("Marvin Simon");
        user.setPhone("47802323143");
        user.setWebsite("https://dozensofdreams.com");

        StringifyArrayList<String> tags = new StringifyArrayList<String>();
        tags.add("iphone"); // FIX: restored (the Kotlin snippet's tags)
        tags.add("apple"); // FIX: restored
        user.setTags(tags); // FIX: restored

        ConnectycubeUsers.signUp(user).performAsync(new EntityCallback<ConnectycubeUser>() {
            public void onSuccess(ConnectycubeUser user, Bundle args) {
                outcome.success(user, args); // FIX: the guide's body is empty
            }

            public void onError(ResponseException error) {
                outcome.error(error); // FIX: the guide's body is empty
            }
        });
    }

    /** "User profile update". */
    static void updateUser(Outcome<ConnectycubeUser> outcome) {
        ConnectycubeUser user = new ConnectycubeUser();
        user.setLogin("marvin18");
        user.setFullName("Marvin Simon");

        ConnectycubeUsers.updateUser(user).performAsync(new EntityCallback<ConnectycubeUser>() {
            public void onSuccess(ConnectycubeUser user, Bundle args) {
                outcome.success(user, args); // FIX: the guide's body is empty
            }

            public void onError(ResponseException error) {
                outcome.error(error); // FIX: the guide's body is empty
            }
        });
    }

    /** "User avatar": upload, keep the file's uid in customData, update the user. */
    // FIX: imageFile and user are parameters, and so are the outcomes of both calls.
    static void uploadAvatar(
            File imageFile,
            ConnectycubeUser user,
            Outcome<ConnectycubeFile> uploaded,
            Outcome<ConnectycubeUser> updated) {
        ConnectycubeStorage.uploadFileTask(imageFile, false, null).performAsync(new EntityCallback<ConnectycubeFile>() {
            public void onSuccess(ConnectycubeFile connectycubeFile, Bundle params) {
                JsonObject jo = new JsonObject();
                jo.add("avatar_uid", new JsonPrimitive(connectycubeFile.getUid()));
                user.setCustomData(jo.toString());
                ConnectycubeUsers.updateUser(user).performAsync(updated); // FIX: the guide elides this callback (...)
                uploaded.success(connectycubeFile, params); // FIX: records the upload
            }

            public void onError(ResponseException responseException) {
                uploaded.error(responseException); // FIX: the guide's body is empty
            }
        });
    }

    /** "User avatar": other users read the uid back and build the URL. */
    // FIX: user is a parameter and the URL is returned, for the test to fetch.
    static String avatarUrl(ConnectycubeUser user) {
        JsonObject obj = new JsonParser().parse(user.getCustomData()).getAsJsonObject();
        String fileUID = obj.getAsJsonPrimitive("avatar_uid").getAsString();
        String avatarUrl = ConnectycubeFile.getPrivateUrlForUID(fileUID);
        return avatarUrl; // FIX: returned for the test
    }

    /** "Password reset". */
    static void resetPassword(Outcome<Void> outcome) {
        ConnectycubeUsers.resetPassword("awesomeman@gmail.com").performAsync(new EntityCallback<Void>() {
            public void onSuccess(Void result, Bundle params) {
                outcome.success(result, params); // FIX: the guide's body is empty
            }

            public void onError(ResponseException responseException) {
                outcome.error(responseException); // FIX: the guide's body is empty
            }
        });
    }

    /** "Retrieve users by ID". */
    static Bundle getUsersByIds(Outcome<ArrayList<ConnectycubeUser>> outcome) {
        PagedRequestBuilder pagedRequestBuilder = new PagedRequestBuilder();
        pagedRequestBuilder.setPage(1);
        pagedRequestBuilder.setPerPage(50);

        List<Integer> usersIds = new ArrayList<>();
        usersIds.add(22); // FIX: restored (the new-style snippet's ids)
        usersIds.add(23); // FIX: restored

        Bundle params = new Bundle();

        ConnectycubeUsers.getUsersByIDs(usersIds, pagedRequestBuilder, params).performAsync(new EntityCallback<ArrayList<ConnectycubeUser>>() {
            public void onSuccess(ArrayList<ConnectycubeUser> users, Bundle args) {
                outcome.success(users, args); // FIX: the guide's body is empty
            }

            public void onError(ResponseException error) {
                outcome.error(error); // FIX: the guide's body is empty
            }
        });
        return params; // FIX: returned for the test
    }

    /** "Retrieve user by login". */
    static void getUserByLogin(Outcome<ConnectycubeUser> outcome) {
        ConnectycubeUsers.getUserByLogin("amigo").performAsync(new EntityCallback<ConnectycubeUser>() {
            public void onSuccess(ConnectycubeUser user, Bundle args) {
                outcome.success(user, args); // FIX: the guide's body is empty
            }

            public void onError(ResponseException error) {
                outcome.error(error); // FIX: the guide's body is empty
            }
        });
    }

    /** "Retrieve user by email". */
    static void getUserByEmail(Outcome<ConnectycubeUser> outcome) {
        ConnectycubeUsers.getUserByEmail("amigo@gmail.com").performAsync(new EntityCallback<ConnectycubeUser>() {
            public void onSuccess(ConnectycubeUser user, Bundle args) {
                outcome.success(user, args); // FIX: the guide's body is empty
            }

            public void onError(ResponseException error) {
                outcome.error(error); // FIX: the guide's body is empty
            }
        });
    }

    /** "Retrieve users by full name". */
    static void getUsersByFullName(Outcome<ArrayList<ConnectycubeUser>> outcome) {
        PagedRequestBuilder pagedRequestBuilder = new PagedRequestBuilder();
        pagedRequestBuilder.setPage(1);
        pagedRequestBuilder.setPerPage(50);

        Bundle params = new Bundle();

        ConnectycubeUsers.getUsersByFullName("Marvin Samuel", pagedRequestBuilder, params).performAsync(new EntityCallback<ArrayList<ConnectycubeUser>>() {
            public void onSuccess(ArrayList<ConnectycubeUser> users, Bundle args) {
                outcome.success(users, args); // FIX: the guide's body is empty
            }

            public void onError(ResponseException error) {
                outcome.error(error); // FIX: the guide's body is empty
            }
        });
    }

    /** "Retrieve user by phone number". */
    static void getUsersByPhoneNumbers(Outcome<ArrayList<ConnectycubeUser>> outcome) {
        PagedRequestBuilder pagedRequestBuilder = new PagedRequestBuilder();
        pagedRequestBuilder.setPage(1);
        pagedRequestBuilder.setPerPage(50);

        Bundle params = new Bundle();

        ArrayList<String> usersPhones = new ArrayList<>();
        usersPhones.add("+4427123314");

        ConnectycubeUsers.getUsersByPhoneNumbers(usersPhones, pagedRequestBuilder, params).performAsync(new EntityCallback<ArrayList<ConnectycubeUser>>() {
            public void onSuccess(ArrayList<ConnectycubeUser> users, Bundle args) {
                outcome.success(users, args); // FIX: the guide's body is empty
            }

            public void onError(ResponseException error) {
                outcome.error(error); // FIX: the guide's body is empty
            }
        });
    }

    /** "Retrieve user by external ID". */
    static void getUserByExternalId(Outcome<ConnectycubeUser> outcome) {
        ConnectycubeUsers.getUserByExternalId("3789").performAsync(new EntityCallback<ConnectycubeUser>() {
            public void onSuccess(ConnectycubeUser users, Bundle args) {
                outcome.success(users, args); // FIX: the guide's body is empty
            }

            public void onError(ResponseException error) {
                outcome.error(error); // FIX: the guide's body is empty
            }
        });
    }

    /** "Retrieve users by tags". */
    static void getUsersByTags(Outcome<ArrayList<ConnectycubeUser>> outcome) {
        PagedRequestBuilder pagedRequestBuilder = new PagedRequestBuilder();
        pagedRequestBuilder.setPage(1);
        pagedRequestBuilder.setPerPage(50);

        ArrayList<String> userTags = new ArrayList<>();
        userTags.add("iphone"); // FIX: restored (the new-style snippet's tag)

        Bundle params = new Bundle();

        ConnectycubeUsers.getUsersByTags(userTags, pagedRequestBuilder, params).performAsync(new EntityCallback<ArrayList<ConnectycubeUser>>() {
            public void onSuccess(ArrayList<ConnectycubeUser> users, Bundle args) {
                outcome.success(users, args); // FIX: the guide's body is empty
            }

            public void onError(ResponseException error) {
                outcome.error(error); // FIX: the guide's body is empty
            }
        });
    }

    /** "Delete user". */
    static void deleteUser(Outcome<Void> outcome) {
        ConnectycubeUsers.deleteUser().performAsync(new EntityCallback<Void>() {
            public void onSuccess(Void result, Bundle params) {
                outcome.success(result, params); // FIX: the guide's body is empty
            }

            public void onError(ResponseException responseException) {
                outcome.error(responseException); // FIX: the guide's body is empty
            }
        });
    }
}
