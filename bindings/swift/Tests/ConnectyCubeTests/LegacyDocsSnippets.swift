// The legacy (1.x) Swift snippets of the iOS "Authentication and Users" guide
// (shared/seeds/000_…txt), kept as source and run by LegacyDocsSnippetTests against the
// emulator. The page lost the snippets' closing lines and spaced every token (`Request. logIn
// ( withUserLogin : " userLogin " …`); the closings are restored and the spacing is Swift's.
// Every other change is marked `// FIX:` with its reason; the one repeated throughout is
// `// FIX: reports …`, a line added in an empty block so the test sees what the block got.
import ConnectyCube
import Foundation

enum LegacyDocsSnippets {
    /// "Create session token".
    static func createSessionToken(_ outcome: BlockOutcome<User>) {
        Request.logIn(withUserLogin: "userLogin", password: "userPassword", successBlock: { (user) in
            outcome.receive(user) // FIX: reports the signed-in user
        }, errorBlock: { (error) in
            outcome.fail(error) // FIX: reports the error
        })
    }

    /// "Destroy session token".
    static func destroySessionToken(_ outcome: BlockOutcome<Void>) {
        Request.destroySession(successBlock: {
            outcome.receive(()) // FIX: reports success
        }, errorBlock: { (error) in
            outcome.fail(error) // FIX: reports the error
        })
    }

    /// "User signup".
    // FIX: the page lost the snippet's first lines (`let user = User()`, `user.login =
    // "marvin18"`, as its ObjC twin has them); the user is a parameter.
    static func userSignUp(user: User, _ outcome: BlockOutcome<User>) {
        user.password = "supersecurepwd"
        user.email = "awesomeman@gmail.com"
        user.fullName = "Marvin Simon"
        user.phone = "47802323143"
        user.website = "https://dozensofdreams.com"
        user.tags = ["iphone", "apple"]
        Request.signUp(user, successBlock: { (user) in
            outcome.receive(user) // FIX: reports the created user
        }, errorBlock: { (error) in
            outcome.fail(error) // FIX: reports the error
        })
    }

    /// "User profile update".
    static func userProfileUpdate(_ outcome: BlockOutcome<User>) {
        let updateParameters = UpdateUserParameters()
        updateParameters.login = "marvin18"
        updateParameters.fullName = "Marvin Simon"
        Request.updateCurrentUser(updateParameters, successBlock: { (user) in
            outcome.receive(user) // FIX: reports the updated user
        }, errorBlock: { (error) in
            outcome.fail(error) // FIX: reports the error
        })
    }

    /// "User avatar": upload, then the blob's UID into the user's custom data.
    // FIX: `image` (a UIImage, elided in the docs) is a parameter, its PNG bytes: UIKit does
    // not exist on Linux.
    static func userAvatar(image: Data, uploaded: BlockOutcome<Blob>, _ outcome: BlockOutcome<User>) {
        let data: Data? = image // FIX: was `UIImagePNGRepresentation(image!)`, UIKit's PNG encoder
        Request.uploadFile(with: data!, fileName: "FileName", contentType: "image/png", isPublic: false, progressBlock: { (progress) in
            uploaded.progress(progress) // FIX: reports the progress
        }, successBlock: { (blob) in
            uploaded.receive(blob) // FIX: reports the uploaded blob
            let parameters = UpdateUserParameters()
            let customData = ["avatar_uid": blob.uid]
            if let theJSONData = try? JSONSerialization.data(withJSONObject: customData, options: .prettyPrinted) {
                parameters.customData = String(data: theJSONData, encoding: .utf8)
            }
            Request.updateCurrentUser(parameters, successBlock: { (user) in
                outcome.receive(user) // FIX: reports the updated user
            }, errorBlock: { (error) in
                outcome.fail(error) // FIX: reports the error
            })
        }, errorBlock: { (error) in
            uploaded.fail(error) // FIX: reports the error
        })
    }

    /// "Now, other users can get your avatar".
    // FIX: `user` (another user, fetched before; elided in the docs) is a parameter, and the
    // URL, unused in the docs, is returned.
    static func otherUsersAvatar(user: User) -> String? {
        if let data = user.customData?.data(using: .utf8) {
            // The docs' `as!` under `try?` draws a compiler warning; it is kept as written.
            if let customData = try? JSONSerialization.jsonObject(with: data, options: []) as! [String: String] {
                let avatarUID = customData["avatar_uid"]
                let privateAvatarUrl = Blob.privateUrl(forFileUID: avatarUID)
                return privateAvatarUrl // FIX: returns the URL
            }
        }
        return nil // FIX: the function's other outcome
    }

    /// "Password reset".
    static func passwordReset(_ outcome: BlockOutcome<Void>) {
        Request.resetUserPassword(withEmail: "user@mail.com", successBlock: {
            outcome.receive(()) // FIX: reports success
        }, errorBlock: { (error) in
            outcome.fail(error) // FIX: reports the error
        })
    }

    /// "Retrieve users by ID".
    static func retrieveUsersByID(_ outcome: BlockOutcome<(Paginator, [User])>) {
        let paginator = Paginator(limit: 10, skip: 0)
        Request.users(withIDs: ["21", "22"], paginator: paginator, successBlock: { (paginator, users) in
            outcome.receive((paginator, users)) // FIX: reports the page
        }, errorBlock: { (error) in
            outcome.fail(error) // FIX: reports the error
        })
    }

    /// "Retrieve user by login".
    static func retrieveUserByLogin(_ outcome: BlockOutcome<User>) {
        Request.user(withLogin: "amigo", successBlock: { (user) in
            outcome.receive(user) // FIX: reports the user
        }, errorBlock: { (error) in
            outcome.fail(error) // FIX: reports the error
        })
    }

    /// "Retrieve user by email".
    static func retrieveUserByEmail(_ outcome: BlockOutcome<User>) {
        Request.user(withEmail: "amigo@mail.com", successBlock: { (user) in
            outcome.receive(user) // FIX: reports the user
        }, errorBlock: { (error) in
            outcome.fail(error) // FIX: reports the error
        })
    }

    /// "Retrieve users by full name".
    static func retrieveUsersByFullName(_ outcome: BlockOutcome<(Paginator, [User])>) {
        let paginator = Paginator(limit: 10, skip: 0)
        Request.users(withFullName: "Marvin", paginator: paginator, successBlock: { (paginator, users) in
            outcome.receive((paginator, users)) // FIX: reports the page
        }, errorBlock: { (error) in
            outcome.fail(error) // FIX: reports the error
        })
    }

    /// "Retrieve user by phone number".
    static func retrieveUsersByPhoneNumbers(_ outcome: BlockOutcome<(Paginator, [User])>) {
        let paginator = Paginator(limit: 10, skip: 0)
        Request.users(withPhoneNumbers: ["+4427123314"], paginator: paginator, successBlock: { (paginator, users) in
            outcome.receive((paginator, users)) // FIX: reports the page
        }, errorBlock: { (error) in
            outcome.fail(error) // FIX: reports the error
        })
    }

    /// "Retrieve user by external ID".
    static func retrieveUserByExternalID(_ outcome: BlockOutcome<User>) {
        Request.user(withExternalID: 3789, successBlock: { (user) in
            outcome.receive(user) // FIX: reports the user
        }, errorBlock: { (error) in
            outcome.fail(error) // FIX: reports the error
        })
    }

    /// Retrieve users by tags.
    static func retrieveUsersByTags(_ outcome: BlockOutcome<(Paginator, [User])>) {
        let paginator = Paginator(limit: 10, skip: 0)
        Request.users(withTags: ["iphone"], paginator: paginator, successBlock: { (paginator, users) in
            outcome.receive((paginator, users)) // FIX: reports the page
        }, errorBlock: { (error) in
            outcome.fail(error) // FIX: reports the error
        })
    }

    /// "Delete user".
    static func deleteUser(_ outcome: BlockOutcome<Void>) {
        Request.deleteCurrentUser(successBlock: {
            outcome.receive(()) // FIX: reports success
        }, errorBlock: { (error) in
            outcome.fail(error) // FIX: reports the error
        })
    }
}
