#!/usr/bin/env python3
"""Summarises async-profiler collapsed stacks (taken with the `threads` option) into where the CPU goes.

Usage: summarise.py FILE.collapsed [TOP]
Prints: the share of samples per thread kind (JIT compilers, GC, event loops, ...), per cost category (the first
category whose pattern appears in a sample's stack, in the order listed below), the top self frames, and the top
inclusive frames of FlashKey's own code.
"""
import collections, re, sys

CATEGORIES = [  # (name, regex searched in the whole stack), first match wins
    ("jit compiler", r"CompileBroker|C2Compiler|Compilation::|CompilerThread"),
    ("gc", r"GC Thread|VM Thread|SerialHeap|DefNewGeneration|GenCollectedHeap|G1|ParallelGC|VM_GC"),
    ("class loading / CDS", r"SystemDictionary::|ClassLoader\.loadClass|ClassFileParser"),
    ("logging", r"ch/qos/logback|org/slf4j|LoggingEvent"),
    ("exceptions (stack traces)", r"Throwable\.fillInStackTrace|java_lang_Throwable::fill_in_stack_trace|StackTraceElement|Throwable\.getStackTrace|Exceptions::"),
    ("micrometer / observation", r"io/micrometer"),
    ("kafka client", r"org/apache/kafka"),
    ("lettuce (redis client)", r"io/lettuce"),
    ("r2dbc / mysql", r"io/asyncer|io/r2dbc|org/springframework/r2dbc"),
    ("spring security", r"org/springframework/security"),
    ("jackson", r"tools/jackson|com/fasterxml/jackson"),
    ("resilience4j", r"io/github/resilience4j"),
    ("gateway filters / routing", r"org/springframework/cloud/gateway"),
    ("webclient / reactor-netty client", r"reactor/netty/http/client|web/reactive/function/client"),
    ("webflux dispatch / handlers", r"org/springframework/web/reactive|org/springframework/web/server|org/springframework/http/server"),
    ("reactor-netty server / netty I/O", r"reactor/netty|io/netty"),
    ("reactor operators", r"reactor/core"),
    ("flashkey code", r"com/flashkey"),
    ("kernel / syscalls", r"\[k\]|_\[k\]|entry_SYSCALL|do_syscall"),
]


def thread_kind(name):
    for kind, pat in (("jit", r"Compiler"), ("gc", r"GC|VM Thread"), ("netty event loop", r"reactor-http|nioEventLoop|epoll"),
                      ("lettuce", r"lettuce"), ("kafka", r"kafka|producer|consumer|Listener|listener"),
                      ("r2dbc", r"r2dbc|reactor-tcp"), ("reactor parallel", r"parallel-"),
                      ("bounded elastic", r"boundedElastic"), ("logback", r"AsyncAppender|logback")):
        if re.search(pat, name):
            return kind
    return re.sub(r"[-#]?\d+$", "", name).strip() or "other"


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    total = 0
    cats, threads, self_frames, own = (collections.Counter() for _ in range(4))
    for line in open(path, errors="replace"):
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        tname = frames[0].strip("[]") if frames and frames[0].startswith("[") else "?"
        tname = re.sub(r" tid=\d+", "", tname)
        threads[thread_kind(tname)] += n
        cat = "other"
        for name, pat in CATEGORIES:
            if re.search(pat, stack) or (name == "jit compiler" and "Compiler" in tname) or (name == "gc" and re.search("GC|VM Thread", tname)):
                cat = name
                break
        cats[cat] += n
        self_frames[frames[-1]] += n
        seen = set()
        for f in frames:
            if f.startswith("com/flashkey") and f not in seen:
                seen.add(f)
                own[f] += n
    if not total:
        sys.exit("no samples in " + path)
    pct = lambda n: f"{100.0 * n / total:5.1f}%"
    print(f"{total} samples in {path}")
    print("\nby thread kind:")
    for k, n in threads.most_common():
        print(f"  {pct(n)}  {k}")
    print("\nby category (first match in the stack):")
    for k, n in cats.most_common():
        print(f"  {pct(n)}  {k}")
    print(f"\ntop {top} self frames:")
    for k, n in self_frames.most_common(top):
        print(f"  {pct(n)}  {k[:160]}")
    print(f"\ntop {top} FlashKey frames (inclusive):")
    for k, n in own.most_common(top):
        print(f"  {pct(n)}  {k[:160]}")


if __name__ == "__main__":
    main()
