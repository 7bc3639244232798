/// libcurl-based dispatch: see the dispatch issue. Populated by the engine work.
enum OutreachDispatchModule {}
