# Sourced by .ci/run, ./tutti and fixtures/make_fixtures.sh: finds a JDK 25 and exports JAVA_HOME.
# Order: $JAVA_HOME if it is a JDK 25, then `java` on PATH, then the usual install folders.
# The default `java` on the build machines is 17, so the search usually ends in /usr/lib/jvm.

tutti_is_jdk25() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  local v
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  [ "$v" = "25" ]
}

tutti_find_jdk25() {
  local candidate
  if [ -n "${JAVA_HOME:-}" ] && tutti_is_jdk25 "$JAVA_HOME"; then
    export JAVA_HOME; return 0
  fi
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    if tutti_is_jdk25 "$candidate"; then export JAVA_HOME="$candidate"; return 0; fi
  fi
  for candidate in /usr/lib/jvm/temurin-25-jdk* /usr/lib/jvm/java-25* /usr/lib/jvm/jdk-25* /usr/lib/jvm/*25* \
                   /opt/java/openjdk /opt/jdk-25* "$HOME"/.sdkman/candidates/java/25* /Library/Java/JavaVirtualMachines/*25*/Contents/Home; do
    if tutti_is_jdk25 "$candidate"; then export JAVA_HOME="$candidate"; return 0; fi
  done
  echo "error: no JDK 25 found. Tutti needs JDK 25 (java and javac)." >&2
  echo "       Set JAVA_HOME to one, or install it (e.g. Temurin 25 into /usr/lib/jvm/temurin-25-jdk-amd64)." >&2
  echo "       Looked at: \$JAVA_HOME (${JAVA_HOME:-unset}), javac on PATH, /usr/lib/jvm/*25*, /opt/java, ~/.sdkman." >&2
  return 1
}
