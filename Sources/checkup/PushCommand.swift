import CheckupKit
import Foundation

// Heartbeats: `checkup push NAME` from a job, and `checkup provision --heartbeat` for its key.

extension Invocation {
    /// `checkup push NAME [--fail] [--message TEXT]`: writes the heartbeat into the store and
    /// says so; every node's next round judges it.
    func push(_ name: String, failed: Bool, message: String) async throws {
        let beat = try await loadCheckup().push(name, failed: failed, message: message)
        print("Heartbeat stored for \(terminalSafe(beat.name))" + (failed ? " (failed)" : ""))
    }

    /// `checkup provision --heartbeat`: the IAM user and key a job needs to push, and no more.
    func provisionHeartbeatPusher(_ storage: any Storage) async throws {
        guard let s3 = storage as? S3Storage else {
            throw CheckupError(.config, "provision --heartbeat is for s3 storage (with fs, a job needs only write access to the directory)")
        }
        print("One sec...")
        fflush(nil)
        let progress = TerminalProgress.make("provisioning: step")
        let info = try await { () async throws -> ProvisionInfo in
            defer { progress?.finish() }
            return try await s3.provisionHeartbeatPusher(progress: progress?.sink ?? .discard)
        }()
        print("""
            Provision successful

                       User ID: \(info.userID)
                      Username: \(info.username)
            Push Access Key ID: \(info.publicAccessKeyID)
               Push Access Key: \(info.publicAccessKey)

            The user \(S3Storage.heartbeatUserName) may only put objects under \(CheckerObjectKey.heartbeatFolder)/ in bucket \(s3.bucket).
            Give the job these keys as access_key_id and secret_access_key (or AWS_ACCESS_KEY_ID and
            AWS_SECRET_ACCESS_KEY) and run checkup push NAME when it has run. You will not be shown
            the key again.
            """)
    }
}
