import Foundation

/// The IAM query API (`Action=...&Version=2010-05-08`, form-encoded POSTs signed for `iam`).
struct IAMClient: Sendable {
    var credentials: SigV4.Credentials
    /// nil means AWS (`https://iam.amazonaws.com`).
    var endpoint: String?

    func call(_ action: String, _ parameters: [(String, String)]) async throws -> XMLElements {
        let service = ServiceEndpoint(endpoint ?? "https://iam.amazonaws.com")
        let form = formEncode([("Action", action), ("Version", "2010-05-08")] + parameters)
        let response = try await AWSRequest(service: "iam", region: "us-east-1", credentials: credentials)
            .send("IAM \(action)", "POST", baseURL: service.url, host: service.host, path: "/", body: form,
                  headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")])
        return XMLElements(response.body)
    }

    /// Creates the user, or finds it when an earlier run made it; returns its id.
    func createOrGetUser(_ name: String) async throws -> String {
        do {
            return try await call("CreateUser", [("UserName", name)]).values("CreateUserResponse/CreateUserResult/User/UserId").first ?? ""
        } catch let error as CheckupError where error.message.hasSuffix("EntityAlreadyExists") {
            return try await call("GetUser", [("UserName", name)]).values("GetUserResponse/GetUserResult/User/UserId").first ?? ""
        }
    }

    func putUserPolicy(_ user: String, name: String, document: String) async throws {
        _ = try await call("PutUserPolicy", [("UserName", user), ("PolicyName", name), ("PolicyDocument", document)])
    }

    func deleteAccessKey(_ user: String, id: String) async throws {
        _ = try await call("DeleteAccessKey", [("UserName", user), ("AccessKeyId", id)])
    }

    func createAccessKey(_ user: String) async throws -> (id: String, secret: String) {
        let xml = try await call("CreateAccessKey", [("UserName", user)])
        let base = "CreateAccessKeyResponse/CreateAccessKeyResult/AccessKey/"
        return (xml.values(base + "AccessKeyId").first ?? "", xml.values(base + "SecretAccessKey").first ?? "")
    }
}
