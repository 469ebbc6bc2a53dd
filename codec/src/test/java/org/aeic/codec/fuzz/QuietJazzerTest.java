package org.aeic.codec.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The filter on Jazzer's log drops its INFO lines only. */
class QuietJazzerTest {
    @Test
    void dropsInfoLinesAndPassesTheRest() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(new QuietJazzer.DropInfoLines(new PrintStream(sink, true,
                StandardCharsets.UTF_8)), true, StandardCharsets.UTF_8);
        err.print("INFO");
        err.println(": Loaded 8 hooks from com.code_intelligence.jazzer.sanitizers.RegexInjection");
        err.println("WARN: something to read");
        err.println("INFO: Instrumented org.aeic.codec.AeicDecoder with custom hooks only");
        err.println("== Java Exception: a finding");
        err.println(" INFO: not at the start");
        assertEquals("WARN: something to read\n== Java Exception: a finding\n INFO: not at the start\n",
                sink.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
    }
}
