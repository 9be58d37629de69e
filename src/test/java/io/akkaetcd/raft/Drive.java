package io.akkaetcd.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Helpers for unit-level tests that drive one RaftNode by hand, without a network. */
final class Drive {
    private Drive() { }

    static RaftNode node(long id, MemoryRaftStorage storage) {
        return new RaftNode(RaftConfig.defaults(id), storage, new SplittableRandom(id));
    }

    static RaftNode node(RaftConfig config, MemoryRaftStorage storage) {
        return new RaftNode(config, storage, new SplittableRandom(config.id()));
    }

    /** Handle every Ready as the driver contract says and return the messages it would have sent. */
    static List<RaftMessage> drain(RaftNode n, MemoryRaftStorage s) {
        List<RaftMessage> out = new ArrayList<>();
        while (n.hasReady()) {
            Ready rd = n.ready();
            if (rd.snapshot() != null) s.applySnapshot(rd.snapshot());
            s.append(rd.entries());
            if (rd.hardState() != null) s.setHardState(rd.hardState());
            out.addAll(rd.messages());
            n.advance(rd);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static <T extends RaftMessage> List<T> only(List<RaftMessage> msgs, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (RaftMessage m : msgs) if (type.isInstance(m)) out.add((T) m);
        return out;
    }

    static Configuration voters(int n) {
        Long[] ids = new Long[n];
        for (int i = 0; i < n; i++) ids[i] = (long) (i + 1);
        return Configuration.ofVoters(ids);
    }

    static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
