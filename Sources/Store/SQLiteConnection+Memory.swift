import CSQLite

extension SQLiteConnection {
    /// Gives back the page cache pages no statement holds (`sqlite3_db_release_memory`): an idle
    /// daemon need not keep megabytes of cached pages per connection; the next query reads them
    /// again, from the kernel's page cache.
    public func releaseMemory() {
        guard let handle else { return }
        sqlite3_db_release_memory(handle)
    }
}
