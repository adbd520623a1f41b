package io.github.vaespark.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process for tests of other packages; returns its exit code. */
public final class VaeJobTestAccess {
    private VaeJobTestAccess() {
    }

    public static int run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = VaeJob.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        System.out.println(out);
        System.err.println(err);
        return code;
    }
}
