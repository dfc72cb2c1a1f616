import Foundation

// 1.x `CYBRequest+Storage.h`: uploads from memory, over the new API's `uploadFileData`.
extension Request {
    /// Uploads `data` as `fileName`; without `contentType` it is guessed from the name.
    /// `progressBlock` hears 0.0…1.0 on the main queue, every step before `successBlock`.
    @discardableResult
    public class func uploadFile(
        with data: Data,
        fileName: String,
        contentType: String?,
        isPublic: Bool,
        progressBlock: ProgressBlock? = nil,
        successBlock: BlobBlock? = nil,
        errorBlock: ErrorBlock? = nil
    ) -> Request {
        let handle = Request()
        // Progress arrives as percentages; 1.x reported fractions.
        let listener = progressBlock.map { block in
            ClosureProgressListener(onMainActor: true) { percent in
                if !handle.isCancelled { block(Float(percent) / 100) }
            }
        }
        return start({
            try await ConnectyCube.shared.uploadFileData(
                data: data, fileName: fileName, contentType: contentType, public: isPublic, progress: listener)
        }, errorBlock: errorBlock, handle: handle) { successBlock?(Blob($0)) }
    }
}
