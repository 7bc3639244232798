import OutreachFuzzTargets

/// libFuzzer calls this once per input; see `FuzzTarget.populationImport`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTarget.populationImport.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}
