// The Swift snippets of the new iOS SDK's "Authentication and Users" guide, kept as source
// so the build proves they compile against this SDK. They are not run (the tests cover the
// flows). Every change from the docs' text is marked `// CHANGED:` with its reason.
import ConnectyCube
import Foundation

enum DocsSnippets {
    // CHANGED: `userToLogin` is not defined in the docs' snippet; it is a parameter here.
    static func upgradeSessionToken(userToLogin: ConnectycubeUser) {
        ConnectyCube().signIn(user: userToLogin, successCallback: {(user) in
        }) { (error) in
        }
    }

    static func customIdentityProvider() {
        // CHANGED: `let user` → `var user`: records are Swift structs, set fields on a `var`.
        var user: ConnectycubeUser = ConnectycubeUser()
        user.login = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6MTIzNDU2Nzg5LCJuYW1lIjoiSm9zZXBoIn0.OpOSSw7e485LOP5PrzScxHb7SR6sAOMRckfFwi4rp7o"
        // CHANGED: the docs pass an undefined `userToLogin`; the user built above is meant.
        ConnectyCube().signIn(user: user, successCallback: {(user) in
        }) { (error) in
        }
    }

    static func downgradeSessionToken() {
        ConnectyCube().signOut(successCallback: {
        }) { (error) in
        }
    }

    static func destroySessionToken() {
        ConnectyCube().destroySession(successCallback: {
        }) { (error) in
        }
    }

    static func userSignUp() {
        // CHANGED: `let user` → `var user` (records are structs).
        var user: ConnectycubeUser = ConnectycubeUser()
        user.login = "marvin18"
        user.password = "supersecurepwd"
        user.email = "awesomeman@gmail.com"
        user.fullName = "Marvin Simon"
        user.phone = "47802323143"
        user.website = "https://dozensofdreams.com"
        user.tags = "iphone, apple"
        ConnectyCube().signUp(user: user, successCallback: {(user) in
        }) { (error) in
        }
    }

    static func userProfileUpdate() {
        // CHANGED: `let user` → `var user` (records are structs).
        var user: ConnectycubeUser = ConnectycubeUser()
        user.login = "marvin18"
        user.fullName = "Marvin Simon"
        ConnectyCube().updateUser(user: user, successCallback: {(user) in
        }) { (error) in
        }
    }

    // CHANGED: the docs' snippet uses a `user` from outside it; it is an `inout`-free local
    // `var` here (records are structs, and the closure below mutates it).
    static func userAvatar() {
        var user = ConnectycubeUser()
        let imageFilePath = ""
        ConnectyCube().uploadFile(filePath: imageFilePath, public: false, successCallback: {(cubeFile) in
            let customData = ["avatar_uid" : cubeFile.uid]
            if let theJSONData = try? JSONSerialization.data(withJSONObject: customData, options: .prettyPrinted) {
                user.customData = String(data: theJSONData, encoding: .utf8)
            }
            ConnectyCube().updateUser(user: user, successCallback: {(user) in }) { (error) in }
        }, errorCallback: { (error) in
        }, progress: { (progress) in
        })
    }

    // CHANGED: `let user = ...` (elided in the docs) is a parameter.
    static func otherUsersAvatar(user: ConnectycubeUser) {
        if let data = user.customData?.data(using: .utf8) {
            if let customData = try? JSONSerialization.jsonObject(with: data, options: []) as? [String : String] {
                let avatarUID = customData["avatar_uid"]
                let privateAvatarUrl = ConnectycubeFileKt.getPrivateUrlForUID(uid: avatarUID)
                _ = privateAvatarUrl // CHANGED: added, the docs leave the value unused (a warning).
            }
        }
    }

    static func passwordReset() {
        ConnectyCube().resetPassword(email: "user@mail.com", successCallback: {
        }) { (error) in
        }
    }

    static func retrieveUsersById() {
        let paginator = RequestPagination(page: 0, itemsPerPage: 10)
        let sorter = RequestSorter(fieldName: "created_at", sortType: OrderType.shared.ASC)
        ConnectyCube().getUsersByIds(ids: [21, 22], pagination: paginator, sorter: sorter, successCallback: {(result) in
            let users = result.items
            _ = users // CHANGED: added, the docs leave the value unused (a warning).
        }) { (error) in
        }
    }

    static func retrieveUserByLogin() {
        ConnectyCube().getUserByLogin(login: "amigo", successCallback: {(user) in
        }) { (error) in
        }
    }

    static func retrieveUserByEmail() {
        ConnectyCube().getUserByEmail(email: "amigo@mail.com", successCallback: {(user) in
        }) { (error) in
        }
    }

    static func retrieveUsersByFullName() {
        let paginator = RequestPagination(page: 0, itemsPerPage: 10)
        let sorter = RequestSorter(fieldName: "created_at", sortType: OrderType.shared.ASC)
        ConnectyCube().getUsersByFullName(fullName: "Marvin", pagination: paginator, sorter: sorter, successCallback: {(result) in
            let users = result.items
            _ = users // CHANGED: added, the docs leave the value unused (a warning).
        }) { (error) in
        }
    }

    static func retrieveUserByPhoneNumber() {
        ConnectyCube().getUserByPhoneNumber(phone: "+4427123314", successCallback: {(user) in
        }) { (error) in
        }
    }

    static func retrieveUserByExternalId() {
        ConnectyCube().getUserByExternalId(id: "3789", successCallback: {(user) in
        }) { (error) in
        }
    }

    static func retrieveUsersByTags() {
        let paginator = RequestPagination(page: 0, itemsPerPage: 10)
        let sorter = RequestSorter(fieldName: "created_at", sortType: OrderType.shared.ASC)
        ConnectyCube().getUsersByTags(tags: ["iphone"], pagination: paginator, sorter: sorter, successCallback: {(result) in
            let users = result.items
            _ = users // CHANGED: added, the docs leave the value unused (a warning).
        }) { (error) in
        }
    }

    static func deleteUser() {
        ConnectyCube().deleteUser(successCallback: {
        }) { (error) in
        }
    }

    // The async forms the samples use (`try await ConnectyCube().signUp(user: user)`).
    static func asyncForms(user: ConnectycubeUser) async throws {
        let created = try await ConnectyCube().signUp(user: user)
        let session = try await ConnectyCube().createSession(user: user)
        let amigo = try await ConnectyCube().getUserByLogin(login: "amigo")
        let page = try await ConnectyCube().getUsersByIds(ids: [21, 22], pagination: nil, sorter: nil)
        let current = ConnectycubeSessionManager().activeSession?.user
        _ = (created, session, amigo, page, current)
    }

    // The init the samples use.
    static func initialise() {
        // CHANGED: `try`: `doInit` throws (a non-numeric application id is refused here
        // rather than at the first request).
        try? ConnectyCube().doInit(applicationId: "1", authorizationKey: "29WfrNWdvkhmX6V", connectycubeConfig: nil)
    }
}
