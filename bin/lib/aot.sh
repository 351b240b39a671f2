# Shared by bin/build-lambda-zip and bin/release: the Native AOT link's toolchain. Source it; do not run it.

rm_missing() { # WHAT PACKAGES: says what is missing and how to install it, then exits
  echo "error: $1" >&2
  echo "install it with:  apt-get install -y $2" >&2
  exit 1
}

# The AOT compiler links with `clang` (falling back to `gcc`); Debian may only have a versioned clang-NN.
rm_find_clang() {
  if command -v clang >/dev/null; then echo clang; return; fi
  compgen -c clang- | grep -E '^clang-[0-9]+$' | sort -t- -k2 -n | tail -1
}

# rm_linker_args x86_64|arm64: the publish argument that names the linker, checking the cross tools for arm64.
rm_linker_args() {
  local a=$1 clang_name
  clang_name=$(rm_find_clang || true)
  if [ "$a" = x86_64 ]; then
    if [ -n "$clang_name" ]; then
      echo "-p:CppCompilerAndLinker=$clang_name"
    elif ! command -v gcc >/dev/null; then
      rm_missing "no C toolchain for the native link (clang, clang-NN or gcc)" "clang"
    fi
  else
    [ -n "$clang_name" ] || rm_missing "cross-compiling to arm64 needs clang" "clang gcc-aarch64-linux-gnu"
    command -v aarch64-linux-gnu-ld.bfd >/dev/null && [ -e /usr/aarch64-linux-gnu/lib/libc.so.6 ] \
      || rm_missing "cross-compiling to arm64 needs the aarch64 binutils and glibc" "gcc-aarch64-linux-gnu"
    echo "-p:CppCompilerAndLinker=$clang_name"
  fi
}

# rm_highest_glibc FILE: the highest GLIBC_x.y symbol version the binary needs.
rm_highest_glibc() {
  { objdump -T "$1" || true; } | { grep -oE 'GLIBC_[0-9]+\.[0-9]+(\.[0-9]+)?' || true; } | sed 's/^GLIBC_//' | sort -uV | tail -1
}
