using BioImage.Benchmarks;
using BenchmarkDotNet.Running;

// Every BenchmarkDotNet option works (--filter, --job short, --list flat, ...); our one extra flag,
// --compare-intrinsics, runs each benchmark twice: with SIMD and with hardware intrinsics off.
bool compareIntrinsics = args.Contains(Config.CompareIntrinsicsFlag);
string[] benchmarkArgs = [.. args.Where(a => a != Config.CompareIntrinsicsFlag)];
BenchmarkSwitcher.FromAssembly(typeof(Config).Assembly).Run(benchmarkArgs, new Config(compareIntrinsics));
