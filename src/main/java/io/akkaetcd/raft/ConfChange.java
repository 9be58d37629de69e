package io.akkaetcd.raft;

import java.nio.ByteBuffer;

/**
 * A single-member configuration change (paper §6 as simplified in thesis §4.1: one server at a time, so the
 * old and new majorities always overlap). It is carried in a CONF_CHANGE log entry and takes effect on every
 * member when that entry is applied.
 */
public record ConfChange(Type type, long nodeId) {

    public enum Type { ADD_VOTER, ADD_LEARNER, REMOVE_NODE }

    public ConfChange {
        if (type == null) throw new IllegalArgumentException("type");
        if (nodeId == RaftNode.NONE) throw new IllegalArgumentException("nodeId must not be 0");
    }

    public byte[] encode() {
        return ByteBuffer.allocate(9).put((byte) type.ordinal()).putLong(nodeId).array();
    }

    public static ConfChange decode(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data);
        return new ConfChange(Type.values()[b.get()], b.getLong());
    }
}
