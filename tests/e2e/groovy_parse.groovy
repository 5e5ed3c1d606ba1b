// groovy_parse.groovy FILE... - compiles each Jenkinsfile with Groovy's own parser (Debian's
// groovy), so a syntax error (a brace too many, a bad string) fails with its line and column.
// A declarative pipeline is Groovy; its steps are method calls resolved only when Jenkins runs
// them, so this checks the syntax, not that Jenkins knows each step.  Used by t_ci_sharded.sh.
for (path in args) {
    new GroovyShell().parse(new File(path))
    println "parsed ${path}"
}
