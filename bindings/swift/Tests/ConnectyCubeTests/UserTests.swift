import ConnectyCube
import Foundation
import XCTest

final class UserTests: EmulatorTestCase {
    /// Three users to search: marvin18 (tags iphone, apple), amigo (iphone), zed.
    private func threeUsers() async throws -> [ConnectycubeUser] {
        let marvin = try await signUp("marvin18") {
            $0.email = "awesomeman@gmail.com"
            $0.fullName = "Marvin Simon"
            $0.phone = "47802323143"
            $0.website = "https://dozensofdreams.com"
            $0.tags = "iphone, apple"
        }
        let amigo = try await signUp("amigo") {
            $0.email = "amigo@mail.com"
            $0.fullName = "Marvin Amigo"
            $0.tags = "iphone"
            $0.externalId = "3789"
        }
        let zed = try await signUp("zed") { $0.fullName = "Zed" }
        _ = try await cube.createSession()
        return [marvin, amigo, zed]
    }

    // MARK: async/await

    func testSignUpAsync() async throws {
        var user = ConnectycubeUser()
        user.login = "marvin18"
        user.password = "supersecurepwd"
        user.email = "awesomeman@gmail.com"
        user.fullName = "Marvin Simon"
        user.tags = "iphone, apple"
        let created = try await cube.signUp(user: user)
        XCTAssertGreaterThan(created.id, 0)
        XCTAssertEqual(created.login, "marvin18")
        XCTAssertEqual(created.fullName, "Marvin Simon")
        XCTAssertNil(created.password, "passwords never come back")
        XCTAssertEqual(created.tags, "iphone,apple")
    }

    func testUpdateAndChangePasswordAsync() async throws {
        _ = try await signedIn("marvin18")
        var update = ConnectycubeUser()
        update.fullName = "Marvin Simon"
        update.customData = #"{"color":"blue"}"#
        let updated = try await cube.updateUser(user: update)
        XCTAssertEqual(updated.fullName, "Marvin Simon")
        XCTAssertEqual(updated.customData, #"{"color":"blue"}"#)

        var change = ConnectycubeUser()
        change.password = "evenmoresecure"
        change.oldPassword = "supersecurepwd"
        _ = try await cube.updateUser(user: change)
        let session = try await cube.createSession(user: ConnectycubeUser(login: "marvin18", password: "evenmoresecure"))
        XCTAssertEqual(session.userId, updated.id)
        do {
            _ = try await cube.createSession(user: ConnectycubeUser(login: "marvin18", password: "supersecurepwd"))
            XCTFail("the old password must no longer work")
        } catch let ConnectycubeError.Response(httpStatusCode, _, _) {
            XCTAssertEqual(httpStatusCode, 401)
        }
    }

    func testLookupsAsync() async throws {
        let users = try await threeUsers()
        let (marvin, amigo) = (users[0], users[1])
        let answer1 = try await cube.getUserById(id: marvin.id)
        XCTAssertEqual(answer1.login, "marvin18")
        let answer2 = try await cube.getUserByLogin(login: "amigo")
        XCTAssertEqual(answer2.id, amigo.id)
        let answer3 = try await cube.getUserByEmail(email: "amigo@mail.com")
        XCTAssertEqual(answer3.id, amigo.id)
        let answer4 = try await cube.getUserByPhoneNumber(phone: "47802323143")
        XCTAssertEqual(answer4.id, marvin.id)
        let answer5 = try await cube.getUserByExternalId(id: "3789")
        XCTAssertEqual(answer5.id, amigo.id)
        do {
            _ = try await cube.getUserByLogin(login: "nobody")
            XCTFail("an unknown login is an error")
        } catch let ConnectycubeError.NotFound(httpStatusCode, _) {
            XCTAssertEqual(httpStatusCode, 404)
        }
    }

    func testSearchesWithPaginationAndSorterAsync() async throws {
        let users = try await threeUsers()
        let ids = users.map(\.id)
        let byLogin = RequestSorter(fieldName: "login", sortType: OrderType.shared.ASC)

        let first = try await cube.getUsersByIds(
            ids: ids, pagination: RequestPagination(page: 0, itemsPerPage: 2), sorter: byLogin)
        XCTAssertEqual(first.items.map(\.login), ["amigo", "marvin18"])
        XCTAssertEqual(first.totalEntries, 3)
        XCTAssertEqual(first.page, 0)
        let second = try await cube.getUsersByIds(
            ids: ids, pagination: RequestPagination(page: 1, itemsPerPage: 2), sorter: byLogin)
        XCTAssertEqual(second.items.map(\.login), ["zed"])
        XCTAssertEqual(second.page, 1)

        let descending = RequestSorter(fieldType: nil, fieldName: "login", sortType: OrderType.shared.DESC)
        let all = try await cube.getUsersByIds(ids: ids, pagination: nil, sorter: descending)
        XCTAssertEqual(all.items.map(\.login), ["zed", "marvin18", "amigo"])

        let marvins = try await cube.getUsersByFullName(fullName: "Marvin", pagination: nil, sorter: byLogin)
        XCTAssertEqual(marvins.items.map(\.login), ["amigo", "marvin18"])
        let iphones = try await cube.getUsersByTags(
            tags: ["iphone"], pagination: RequestPagination(page: 0, itemsPerPage: 10), sorter: byLogin)
        XCTAssertEqual(iphones.items.map(\.login), ["amigo", "marvin18"])
    }

    func testGetUsersParamsAsync() async throws {
        let users = try await threeUsers()
        let byLogin = RequestSorter(fieldName: "login", sortType: OrderType.shared.ASC)

        // `[String: Any]`, as in the official SDK.
        let inLogins = try await cube.getUsers(
            params: ["login[\(QueryRule.shared.IN)]": ["zed", "marvin18"]], pagination: nil, sorter: byLogin)
        XCTAssertEqual(inLogins.items.map(\.login), ["marvin18", "zed"])
        let inIds = try await cube.getUsers(params: ["id[in]": [users[1].id, users[2].id]], sorter: byLogin)
        XCTAssertEqual(inIds.items.map(\.login), ["amigo", "zed"])
        let prefix = try await cube.getUsers(params: ["full_name[start_with]": "Marvin A"])
        XCTAssertEqual(prefix.items.map(\.login), ["amigo"])
        let byId = try await cube.getUsers(params: ["id": Int(users[2].id)])
        XCTAssertEqual(byId.items.map(\.login), ["zed"])
        let paged = try await cube.getUsers(
            params: ["id[in]": users.map(\.id)], pagination: RequestPagination(page: 2, itemsPerPage: 1), sorter: byLogin)
        XCTAssertEqual(paged.items.map(\.login), ["zed"])

        // The typed form.
        let typed = try await cube.getUsers(params: ["login": .str(value: "amigo")])
        XCTAssertEqual(typed.items.first?.id, users[1].id)

        // Values with no query form are refused before anything is sent.
        do {
            _ = try await cube.getUsers(params: ["login": Date()])
            XCTFail("a Date is not a query value")
        } catch ConnectycubeError.InvalidArgument(let reason) {
            XCTAssertTrue(reason.contains("unsupported"), reason)
        }
        // The Rust policy: a whole Double is a number; 1.5 and mixed lists are refused by name.
        let whole = try await cube.getUsers(params: ["id": Double(users[2].id)])
        XCTAssertEqual(whole.items.map(\.login), ["zed"])
        for bad: Any in [1.5, [1, "a"] as [Any]] {
            do {
                _ = try await cube.getUsers(params: ["id": bad])
                XCTFail("\(bad) was taken")
            } catch ConnectycubeError.InvalidArgument(let reason) {
                XCTAssertTrue(reason.contains("parameter 'id'"), reason)
            }
        }
    }

    func testResetPasswordAsync() async throws {
        let user = try await signUp("marvin18") { $0.email = "awesomeman@gmail.com" }
        _ = try await cube.createSession()
        try await cube.resetPassword(email: "awesomeman@gmail.com")
        let outbox = try Emulator.request("GET", "/__emulator/outbox").body as? [[String: Any]]
        XCTAssertEqual(outbox?.count, 1)
        XCTAssertEqual(outbox?.first?["to"] as? String, "awesomeman@gmail.com")
        XCTAssertEqual((outbox?.first?["user_id"] as? NSNumber)?.int32Value, user.id)
    }

    func testDeleteUserAsync() async throws {
        let user = try await signedIn("marvin18")
        try await cube.deleteUser()
        _ = try await cube.createSession()
        do {
            _ = try await cube.getUserById(id: user.id)
            XCTFail("the user is gone")
        } catch ConnectycubeError.NotFound {}
    }

    // MARK: callbacks

    func testSignUpUpdateAndPasswordCallback() {
        let done = expectation(description: "sign up, update, password")
        var user = ConnectycubeUser()
        user.login = "marvin18"
        user.password = "supersecurepwd"
        cube.signUp(user: user, successCallback: { created in
            XCTAssertTrue(Thread.isMainThread)
            XCTAssertEqual(created.login, "marvin18")
            self.cube.createSession(user: user, successCallback: { _ in
                var update = ConnectycubeUser()
                update.fullName = "Marvin Simon"
                update.password = "evenmoresecure"
                update.oldPassword = "supersecurepwd"
                self.cube.updateUser(user: update, successCallback: { updated in
                    XCTAssertEqual(updated.fullName, "Marvin Simon")
                    user.password = "evenmoresecure"
                    self.cube.createSession(user: user, successCallback: { session in
                        XCTAssertEqual(session.userId, created.id)
                        done.fulfill()
                    }) { error in XCTFail("\(error)"); done.fulfill() }
                }) { error in XCTFail("\(error)"); done.fulfill() }
            }) { error in XCTFail("\(error)"); done.fulfill() }
        }) { error in XCTFail("\(error)"); done.fulfill() }
        wait(for: [done], timeout: 10)
    }

    func testLookupsAndSearchesCallback() async throws {
        let users = try await threeUsers()
        let sorter = RequestSorter(fieldName: "login", sortType: OrderType.shared.ASC)
        let pagination = RequestPagination(page: 0, itemsPerPage: 10)
        let expectations = (0..<7).map { expectation(description: "callback \($0)") }
        cube.getUserById(id: users[0].id, successCallback: { user in
            XCTAssertEqual(user.login, "marvin18"); expectations[0].fulfill()
        }) { error in XCTFail("\(error)"); expectations[0].fulfill() }
        cube.getUserByLogin(login: "amigo", successCallback: { user in
            XCTAssertEqual(user.id, users[1].id); expectations[1].fulfill()
        }) { error in XCTFail("\(error)"); expectations[1].fulfill() }
        cube.getUserByEmail(email: "awesomeman@gmail.com", successCallback: { user in
            XCTAssertEqual(user.id, users[0].id); expectations[2].fulfill()
        }) { error in XCTFail("\(error)"); expectations[2].fulfill() }
        cube.getUsersByIds(ids: users.map(\.id), pagination: pagination, sorter: sorter, successCallback: { result in
            XCTAssertEqual(result.items.map(\.login), ["amigo", "marvin18", "zed"]); expectations[3].fulfill()
        }) { error in XCTFail("\(error)"); expectations[3].fulfill() }
        cube.getUsersByFullName(fullName: "Marvin", pagination: pagination, sorter: sorter, successCallback: { result in
            XCTAssertEqual(result.items.count, 2); expectations[4].fulfill()
        }) { error in XCTFail("\(error)"); expectations[4].fulfill() }
        cube.getUsersByTags(tags: ["apple"], pagination: pagination, sorter: sorter, successCallback: { result in
            XCTAssertEqual(result.items.map(\.login), ["marvin18"]); expectations[5].fulfill()
        }) { error in XCTFail("\(error)"); expectations[5].fulfill() }
        cube.getUsers(params: ["login[in]": ["zed", "amigo"]], pagination: pagination, sorter: sorter, successCallback: { result in
            XCTAssertEqual(result.items.map(\.login), ["amigo", "zed"]); expectations[6].fulfill()
        }) { error in XCTFail("\(error)"); expectations[6].fulfill() }
        await fulfillment(of: expectations, timeout: 10)
    }

    func testResetPasswordAndDeleteCallback() {
        let done = expectation(description: "reset and delete")
        var user = ConnectycubeUser()
        user.login = "marvin18"
        user.email = "awesomeman@gmail.com"
        user.password = "supersecurepwd"
        cube.signUp(user: user, successCallback: { created in
            self.cube.createSession(user: user, successCallback: { _ in
                self.cube.resetPassword(email: "awesomeman@gmail.com", successCallback: {
                    let outbox = try? Emulator.request("GET", "/__emulator/outbox").body as? [[String: Any]]
                    XCTAssertEqual(outbox?.first?["to"] as? String, "awesomeman@gmail.com")
                    self.cube.deleteUser(successCallback: {
                        self.cube.createSession(successCallback: { _ in
                            self.cube.getUserById(id: created.id, successCallback: { _ in
                                XCTFail("the user is gone"); done.fulfill()
                            }) { error in
                                guard case ConnectycubeError.NotFound = error else {
                                    XCTFail("expected NotFound, got \(error)"); done.fulfill(); return
                                }
                                done.fulfill()
                            }
                        }) { error in XCTFail("\(error)"); done.fulfill() }
                    }) { error in XCTFail("\(error)"); done.fulfill() }
                }) { error in XCTFail("\(error)"); done.fulfill() }
            }) { error in XCTFail("\(error)"); done.fulfill() }
        }) { error in XCTFail("\(error)"); done.fulfill() }
        wait(for: [done], timeout: 10)
    }
}
