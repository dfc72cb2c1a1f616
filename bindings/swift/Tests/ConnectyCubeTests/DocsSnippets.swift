// The Swift snippets of the new iOS SDK's "Authentication and Users" guide, kept as source
// so the build proves they compile against this SDK, and run against the emulator by
// DocsSnippetsRunTests, which checks what each documented call delivered. Every change from
// the docs' text is marked `// CHANGED:` with its reason, but one made everywhere: the
// callback bodies the guide leaves empty report to `heard`, the test's ear.
import ConnectyCube
import Foundation

enum DocsSnippets {
    // CHANGED: `userToLogin` is not defined in the docs' snippet; it is a parameter here.
    static func upgradeSessionToken(userToLogin: ConnectycubeUser, heard: Heard) {
        ConnectyCube().signIn(user: userToLogin, successCallback: {(user) in heard.success(user)
        }) { (error) in heard.error(error)
        }
    }

    static func customIdentityProvider(heard: Heard) {
        // CHANGED: `let user` → `var user`: records are Swift structs, set fields on a `var`.
        var user: ConnectycubeUser = ConnectycubeUser()
        user.login = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6MTIzNDU2Nzg5LCJuYW1lIjoiSm9zZXBoIn0.OpOSSw7e485LOP5PrzScxHb7SR6sAOMRckfFwi4rp7o"
        // CHANGED: the docs pass an undefined `userToLogin`; the user built above is meant.
        ConnectyCube().signIn(user: user, successCallback: {(user) in heard.success(user)
        }) { (error) in heard.error(error)
        }
    }

    static func downgradeSessionToken(heard: Heard) {
        ConnectyCube().signOut(successCallback: { heard.success(())
        }) { (error) in heard.error(error)
        }
    }

    static func destroySessionToken(heard: Heard) {
        ConnectyCube().destroySession(successCallback: { heard.success(())
        }) { (error) in heard.error(error)
        }
    }

    static func userSignUp(heard: Heard) {
        // CHANGED: `let user` → `var user` (records are structs).
        var user: ConnectycubeUser = ConnectycubeUser()
        user.login = "marvin18"
        user.password = "supersecurepwd"
        user.email = "awesomeman@gmail.com"
        user.fullName = "Marvin Simon"
        user.phone = "47802323143"
        user.website = "https://dozensofdreams.com"
        user.tags = "iphone, apple"
        ConnectyCube().signUp(user: user, successCallback: {(user) in heard.success(user)
        }) { (error) in heard.error(error)
        }
    }

    static func userProfileUpdate(heard: Heard) {
        // CHANGED: `let user` → `var user` (records are structs).
        var user: ConnectycubeUser = ConnectycubeUser()
        user.login = "marvin18"
        user.fullName = "Marvin Simon"
        ConnectyCube().updateUser(user: user, successCallback: {(user) in heard.success(user)
        }) { (error) in heard.error(error)
        }
    }

    // CHANGED: the docs' snippet uses a `user` from outside it; it is an `inout`-free local
    // `var` here (records are structs, and the closure below mutates it). The file path the
    // docs elide is a parameter.
    static func userAvatar(imageFilePath: String, heard: Heard) {
        var user = ConnectycubeUser()
        ConnectyCube().uploadFile(filePath: imageFilePath, public: false, successCallback: {(cubeFile) in
            let customData = ["avatar_uid" : cubeFile.uid]
            if let theJSONData = try? JSONSerialization.data(withJSONObject: customData, options: .prettyPrinted) {
                user.customData = String(data: theJSONData, encoding: .utf8)
            }
            ConnectyCube().updateUser(user: user, successCallback: {(user) in heard.success(user) }) { (error) in heard.error(error) }
        }, errorCallback: { (error) in heard.error(error)
        }, progress: { (progress) in
        })
    }

    // CHANGED: `let user = ...` (elided in the docs) is a parameter.
    static func otherUsersAvatar(user: ConnectycubeUser, heard: Heard) {
        if let data = user.customData?.data(using: .utf8) {
            if let customData = try? JSONSerialization.jsonObject(with: data, options: []) as? [String : String] {
                let avatarUID = customData["avatar_uid"]
                let privateAvatarUrl = ConnectycubeFileKt.getPrivateUrlForUID(uid: avatarUID)
                heard.success(privateAvatarUrl) // CHANGED: added, the docs leave the value unused (a warning).
            }
        }
    }

    static func passwordReset(heard: Heard) {
        ConnectyCube().resetPassword(email: "user@mail.com", successCallback: { heard.success(())
        }) { (error) in heard.error(error)
        }
    }

    static func retrieveUsersById(heard: Heard) {
        let paginator = RequestPagination(page: 0, itemsPerPage: 10)
        let sorter = RequestSorter(fieldName: "created_at", sortType: OrderType.shared.ASC)
        ConnectyCube().getUsersByIds(ids: [21, 22], pagination: paginator, sorter: sorter, successCallback: {(result) in
            let users = result.items
            heard.success(users) // CHANGED: added, the docs leave the value unused (a warning).
        }) { (error) in heard.error(error)
        }
    }

    static func retrieveUserByLogin(heard: Heard) {
        ConnectyCube().getUserByLogin(login: "amigo", successCallback: {(user) in heard.success(user)
        }) { (error) in heard.error(error)
        }
    }

    static func retrieveUserByEmail(heard: Heard) {
        ConnectyCube().getUserByEmail(email: "amigo@mail.com", successCallback: {(user) in heard.success(user)
        }) { (error) in heard.error(error)
        }
    }

    static func retrieveUsersByFullName(heard: Heard) {
        let paginator = RequestPagination(page: 0, itemsPerPage: 10)
        let sorter = RequestSorter(fieldName: "created_at", sortType: OrderType.shared.ASC)
        ConnectyCube().getUsersByFullName(fullName: "Marvin", pagination: paginator, sorter: sorter, successCallback: {(result) in
            let users = result.items
            heard.success(users) // CHANGED: added, the docs leave the value unused (a warning).
        }) { (error) in heard.error(error)
        }
    }

    static func retrieveUserByPhoneNumber(heard: Heard) {
        ConnectyCube().getUserByPhoneNumber(phone: "+4427123314", successCallback: {(user) in heard.success(user)
        }) { (error) in heard.error(error)
        }
    }

    static func retrieveUserByExternalId(heard: Heard) {
        ConnectyCube().getUserByExternalId(id: "3789", successCallback: {(user) in heard.success(user)
        }) { (error) in heard.error(error)
        }
    }

    static func retrieveUsersByTags(heard: Heard) {
        let paginator = RequestPagination(page: 0, itemsPerPage: 10)
        let sorter = RequestSorter(fieldName: "created_at", sortType: OrderType.shared.ASC)
        ConnectyCube().getUsersByTags(tags: ["iphone"], pagination: paginator, sorter: sorter, successCallback: {(result) in
            let users = result.items
            heard.success(users) // CHANGED: added, the docs leave the value unused (a warning).
        }) { (error) in heard.error(error)
        }
    }

    static func deleteUser(heard: Heard) {
        ConnectyCube().deleteUser(successCallback: { heard.success(())
        }) { (error) in heard.error(error)
        }
    }

    // The async forms the samples use (`try await ConnectyCube().signUp(user: user)`).
    static func asyncForms(user: ConnectycubeUser, heard: Heard) async throws {
        let created = try await ConnectyCube().signUp(user: user)
        let session = try await ConnectyCube().createSession(user: user)
        let amigo = try await ConnectyCube().getUserByLogin(login: "amigo")
        let page = try await ConnectyCube().getUsersByIds(ids: [21, 22], pagination: nil, sorter: nil)
        let current = ConnectycubeSessionManager().activeSession?.user
        heard.success((created, session, amigo, page, current))
    }

    // The init the samples use.
    static func initialise(heard: Heard) {
        // CHANGED: `try`: `doInit` throws (a non-numeric application id is refused here
        // rather than at the first request).
        try? ConnectyCube().doInit(applicationId: "1", authorizationKey: "29WfrNWdvkhmX6V", connectycubeConfig: nil)
        heard.success(()) // CHANGED: added, so the test hears that the snippet ran.
    }
}
