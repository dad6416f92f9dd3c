import Testing

@Suite struct SavedModelDebugExportTests {
    /// Writes the test models for manual judging by TensorFlow when `GARDEN_EXPORT_DEBUG_DIR`
    /// is set; otherwise does nothing.
    @Test func writesDebugExportsWhenAsked() throws {
        try SavedModelTestModels.writeDebugExports()
    }
}
