import OutreachFuzzTargets

/// libFuzzer calls this once per input; see `FuzzTarget.audienceRule`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTarget.audienceRule.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}
