package io.akkaetcd.raft;

import static io.akkaetcd.raft.Drive.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** RaftLog: Log Matching mechanics of paper §5.3 on stable + unstable entries, and §7 compaction. */
class RaftLogTest {

    private static List<LogEntry> ents(long firstIndex, long... terms) {
        List<LogEntry> out = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) out.add(LogEntry.normal(firstIndex + i, terms[i], new byte[0]));
        return out;
    }

    /** Log [t1 t2 t3] at 1..3. */
    private static RaftLog log123() {
        MemoryRaftStorage s = new MemoryRaftStorage(voters(1));
        s.append(ents(1, 1, 2, 3));
        return new RaftLog(s);
    }

    record ConflictCase(List<LogEntry> incoming, long expected) { }

    static Stream<ConflictCase> conflicts() {
        return Stream.of(
                new ConflictCase(List.of(), 0),
                new ConflictCase(ents(1, 1, 2, 3), 0),     // all present
                new ConflictCase(ents(2, 2, 3), 0),
                new ConflictCase(ents(1, 1, 2, 3, 4, 4), 4), // only new entries
                new ConflictCase(ents(3, 3, 4), 4),
                new ConflictCase(ents(1, 4, 4), 1),         // conflicting terms
                new ConflictCase(ents(2, 1, 4, 4), 2),
                new ConflictCase(ents(3, 1, 2, 4, 4), 3));
    }

    @ParameterizedTest
    @MethodSource("conflicts")
    void findConflict(ConflictCase c) {
        assertEquals(c.expected(), log123().findConflict(c.incoming()));
    }

    @Test
    void maybeAppendTruncatesConflictingTailOnly() {
        RaftLog log = log123();
        assertEquals(-1, log.maybeAppend(3, 2, 0, ents(4, 4)), "prev term mismatch is refused");
        assertEquals(-1, log.maybeAppend(4, 3, 0, ents(5, 4)), "missing prev is refused");
        assertEquals(3, log.maybeAppend(1, 1, 3, ents(2, 2, 3)), "already-present entries change nothing");
        assertEquals(3, log.committed);
        // Appending a stale shorter batch must not truncate later matching entries (§5.3: only on conflict).
        assertEquals(2, log.maybeAppend(1, 1, 3, ents(2, 2)));
        assertEquals(3, log.lastIndex());
        assertThrows(IllegalStateException.class, () -> log.maybeAppend(1, 1, 3, ents(2, 5)), "never rewrite committed");
    }

    @Test
    void unstableEntriesShadowStableOnesUntilPersisted() {
        MemoryRaftStorage s = new MemoryRaftStorage(voters(1));
        s.append(ents(1, 1, 1, 1));
        RaftLog log = new RaftLog(s);
        log.maybeAppend(1, 1, 0, ents(2, 2, 2, 2));
        assertEquals(List.of(1L, 2L, 2L, 2L), log.allEntries().stream().map(LogEntry::term).toList());
        assertEquals(3, log.unstableEntries().size());
        s.append(log.unstableEntries());
        log.stableTo(4, 2);
        assertTrue(log.unstableEntries().isEmpty());
        assertEquals(2, log.term(4));
    }

    @Test
    void stableToIgnoresEntriesSinceOverwritten() {
        RaftLog log = log123();
        log.append(ents(4, 4, 4));
        log.append(ents(5, 5)); // overwrite index 5 before the first write completes
        log.stableTo(5, 4);
        assertEquals(2, log.unstableEntries().size(), "the persisted (5, t4) is not the (5, t5) we hold now");
    }

    @Test
    void sliceCapsEntriesAndBytes() {
        RaftLog log = log123();
        assertEquals(2, log.slice(1, 4, 2, Long.MAX_VALUE).size());
        assertEquals(1, log.slice(1, 4, 10, 1).size(), "at least one entry even over the byte cap");
    }

    @Test
    void commitNeverMovesBackOrPastTheLog() {
        RaftLog log = log123();
        log.commitTo(2);
        log.commitTo(1);
        assertEquals(2, log.committed);
        assertThrows(IllegalStateException.class, () -> log.commitTo(9));
    }

    @Test
    void restoreReplacesLog() {
        RaftLog log = log123();
        log.restore(new Snapshot(10, 4, voters(1), new byte[0]));
        assertEquals(11, log.firstIndex());
        assertEquals(10, log.lastIndex());
        assertEquals(4, log.term(10));
        assertEquals(10, log.committed);
        assertTrue(log.nextCommittedEntries().isEmpty(), "nothing to apply until the snapshot is restored");
    }

    @Test
    void upToDate() {
        RaftLog log = log123();
        assertTrue(log.isUpToDate(3, 3));
        assertTrue(log.isUpToDate(1, 4));
        assertFalse(log.isUpToDate(2, 3));
        assertFalse(log.isUpToDate(9, 2));
    }
}
