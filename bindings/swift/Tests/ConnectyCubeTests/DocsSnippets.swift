// The Swift snippets of the new iOS SDK's "Authentication and Users" guide, kept as source
// and run by DocsSnippetTests against the emulator. Every change from the docs' text is
// marked `// CHANGED:` with its reason; the one repeated throughout is `// CHANGED: reports …`,
// a line added in an empty callback so the test sees what the callback got.
import ConnectyCube
import Foundation

enum DocsSnippets {
    // CHANGED: `userToLogin` is not defined in the docs' snippet; it is a parameter here.
    static func upgradeSessionToken(userToLogin: ConnectycubeUser, _ outcome: BlockOutcome<ConnectycubeUser>) {
        ConnectyCube().signIn(user: userToLogin, successCallback: {(user) in
            outcome.receive(user) // CHANGED: reports the user
        }) { (error) in
            outcome.failed(error) // CHANGED: reports the error
        }
    }

    static func customIdentityProvider(_ outcome: BlockOutcome<ConnectycubeUser>) {
        // CHANGED: `let user` → `var user`: records are Swift structs, set fields on a `var`.
        var user: ConnectycubeUser = ConnectycubeUser()
        user.login = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6MTIzNDU2Nzg5LCJuYW1lIjoiSm9zZXBoIn0.OpOSSw7e485LOP5PrzScxHb7SR6sAOMRckfFwi4rp7o"
        // CHANGED: the docs pass an undefined `userToLogin`; the user built above is meant.
        ConnectyCube().signIn(user: user, successCallback: {(user) in
            outcome.receive(user) // CHANGED: reports the user
        }) { (error) in
            outcome.failed(error) // CHANGED: reports the error
        }
    }

    static func downgradeSessionToken(_ outcome: BlockOutcome<Void>) {
        ConnectyCube().signOut(successCallback: {
            outcome.receive(()) // CHANGED: reports success
        }) { (error) in
            outcome.failed(error) // CHANGED: reports the error
        }
    }

    static func destroySessionToken(_ outcome: BlockOutcome<Void>) {
        ConnectyCube().destroySession(successCallback: {
            outcome.receive(()) // CHANGED: reports success
        }) { (error) in
            outcome.failed(error) // CHANGED: reports the error
        }
    }

    static func userSignUp(_ outcome: BlockOutcome<ConnectycubeUser>) {
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
            outcome.receive(user) // CHANGED: reports the created user
        }) { (error) in
            outcome.failed(error) // CHANGED: reports the error
        }
    }

    static func userProfileUpdate(_ outcome: BlockOutcome<ConnectycubeUser>) {
        // CHANGED: `let user` → `var user` (records are structs).
        var user: ConnectycubeUser = ConnectycubeUser()
        user.login = "marvin18"
        user.fullName = "Marvin Simon"
        ConnectyCube().updateUser(user: user, successCallback: {(user) in
            outcome.receive(user) // CHANGED: reports the updated user
        }) { (error) in
            outcome.failed(error) // CHANGED: reports the error
        }
    }

    // CHANGED: the docs' snippet uses a `user` and an `imageFilePath` from outside it: the
    // user is a local `var` (records are structs, and the closure below mutates it), the path
    // a parameter.
    static func userAvatar(imageFilePath: String, uploaded: BlockOutcome<ConnectycubeFile>, _ outcome: BlockOutcome<ConnectycubeUser>) {
        var user = ConnectycubeUser()
        ConnectyCube().uploadFile(filePath: imageFilePath, public: false, successCallback: {(cubeFile) in
            uploaded.receive(cubeFile) // CHANGED: reports the file
            let customData = ["avatar_uid" : cubeFile.uid]
            if let theJSONData = try? JSONSerialization.data(withJSONObject: customData, options: .prettyPrinted) {
                user.customData = String(data: theJSONData, encoding: .utf8)
            }
            ConnectyCube().updateUser(user: user, successCallback: {(user) in
                outcome.receive(user) // CHANGED: reports the updated user
            }) { (error) in
                outcome.failed(error) // CHANGED: reports the error
            }
        }, errorCallback: { (error) in
            uploaded.failed(error) // CHANGED: reports the error
        }, progress: { (progress) in
            uploaded.progress(Float(progress)) // CHANGED: reports the progress
        })
    }

    // CHANGED: `let user = ...` (elided in the docs) is a parameter, and the URL, unused in
    // the docs, is returned.
    static func otherUsersAvatar(user: ConnectycubeUser) -> String? {
        if let data = user.customData?.data(using: .utf8) {
            if let customData = try? JSONSerialization.jsonObject(with: data, options: []) as? [String : String] {
                let avatarUID = customData["avatar_uid"]
                let privateAvatarUrl = ConnectycubeFileKt.getPrivateUrlForUID(uid: avatarUID)
                return privateAvatarUrl // CHANGED: returns the URL
            }
        }
        return nil // CHANGED: the function's other outcome
    }

    static func passwordReset(_ outcome: BlockOutcome<Void>) {
        ConnectyCube().resetPassword(email: "user@mail.com", successCallback: {
            outcome.receive(()) // CHANGED: reports success
        }) { (error) in
            outcome.failed(error) // CHANGED: reports the error
        }
    }

    static func retrieveUsersById(_ outcome: BlockOutcome<[ConnectycubeUser]>) {
        let paginator = RequestPagination(page: 0, itemsPerPage: 10)
        let sorter = RequestSorter(fieldName: "created_at", sortType: OrderType.shared.ASC)
        ConnectyCube().getUsersByIds(ids: [21, 22], pagination: paginator, sorter: sorter, successCallback: {(result) in
            let users = result.items
            outcome.receive(users) // CHANGED: reports the users
        }) { (error) in
            outcome.failed(error) // CHANGED: reports the error
        }
    }

    static func retrieveUserByLogin(_ outcome: BlockOutcome<ConnectycubeUser>) {
        ConnectyCube().getUserByLogin(login: "amigo", successCallback: {(user) in
            outcome.receive(user) // CHANGED: reports the user
        }) { (error) in
            outcome.failed(error) // CHANGED: reports the error
        }
    }

    static func retrieveUserByEmail(_ outcome: BlockOutcome<ConnectycubeUser>) {
        ConnectyCube().getUserByEmail(email: "amigo@mail.com", successCallback: {(user) in
            outcome.receive(user) // CHANGED: reports the user
        }) { (error) in
            outcome.failed(error) // CHANGED: reports the error
        }
    }

    static func retrieveUsersByFullName(_ outcome: BlockOutcome<[ConnectycubeUser]>) {
        let paginator = RequestPagination(page: 0, itemsPerPage: 10)
        let sorter = RequestSorter(fieldName: "created_at", sortType: OrderType.shared.ASC)
        ConnectyCube().getUsersByFullName(fullName: "Marvin", pagination: paginator, sorter: sorter, successCallback: {(result) in
            let users = result.items
            outcome.receive(users) // CHANGED: reports the users
        }) { (error) in
            outcome.failed(error) // CHANGED: reports the error
        }
    }

    static func retrieveUserByPhoneNumber(_ outcome: BlockOutcome<ConnectycubeUser>) {
        ConnectyCube().getUserByPhoneNumber(phone: "+4427123314", successCallback: {(user) in
            outcome.receive(user) // CHANGED: reports the user
        }) { (error) in
            outcome.failed(error) // CHANGED: reports the error
        }
    }

    static func retrieveUserByExternalId(_ outcome: BlockOutcome<ConnectycubeUser>) {
        ConnectyCube().getUserByExternalId(id: "3789", successCallback: {(user) in
            outcome.receive(user) // CHANGED: reports the user
        }) { (error) in
            outcome.failed(error) // CHANGED: reports the error
        }
    }

    static func retrieveUsersByTags(_ outcome: BlockOutcome<[ConnectycubeUser]>) {
        let paginator = RequestPagination(page: 0, itemsPerPage: 10)
        let sorter = RequestSorter(fieldName: "created_at", sortType: OrderType.shared.ASC)
        ConnectyCube().getUsersByTags(tags: ["iphone"], pagination: paginator, sorter: sorter, successCallback: {(result) in
            let users = result.items
            outcome.receive(users) // CHANGED: reports the users
        }) { (error) in
            outcome.failed(error) // CHANGED: reports the error
        }
    }

    static func deleteUser(_ outcome: BlockOutcome<Void>) {
        ConnectyCube().deleteUser(successCallback: {
            outcome.receive(()) // CHANGED: reports success
        }) { (error) in
            outcome.failed(error) // CHANGED: reports the error
        }
    }

    // The async forms the samples use (`try await ConnectyCube().signUp(user: user)`).
    // CHANGED: the values, unused in the samples, are returned.
    static func asyncForms(user: ConnectycubeUser) async throws
        -> (ConnectycubeUser, ConnectycubeSession, ConnectycubeUser, PagedUsersResult, ConnectycubeUser?)
    {
        let created = try await ConnectyCube().signUp(user: user)
        let session = try await ConnectyCube().createSession(user: user)
        let amigo = try await ConnectyCube().getUserByLogin(login: "amigo")
        let page = try await ConnectyCube().getUsersByIds(ids: [21, 22], pagination: nil, sorter: nil)
        let current = ConnectycubeSessionManager().activeSession?.user
        return (created, session, amigo, page, current)
    }

    // The init the samples use.
    static func initialise() {
        // CHANGED: `try`: `doInit` throws (a non-numeric application id is refused here
        // rather than at the first request).
        try? ConnectyCube().doInit(applicationId: "1", authorizationKey: "29WfrNWdvkhmX6V", connectycubeConfig: nil)
    }
}
