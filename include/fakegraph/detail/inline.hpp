// fakegraph: how the library's out-of-line definitions link.
//
// Each header declares; its `*-inl.hpp` neighbour defines what is worth compiling once.
// Header-only (the default), every header includes its `-inl.hpp` and FAKEGRAPH_INLINE is
// `inline`. With FAKEGRAPH_COMPILED_LIB (CMake option of the same name, which defines the
// macro for every user of fakegraph::fakegraph), the headers stop there and src/fakegraph.cpp
// compiles all the `-inl.hpp` files once into the static library, FAKEGRAPH_INLINE empty.
#pragma once

#ifdef FAKEGRAPH_COMPILED_LIB
#define FAKEGRAPH_INLINE
#else
#define FAKEGRAPH_INLINE inline
#endif
