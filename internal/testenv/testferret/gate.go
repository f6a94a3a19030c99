package testferret

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
)

// Gate is a loopback proxy in front of a MongoDB-protocol server that lets
// write commands through one at a time, while reads pass freely.
//
// FerretDB v1 is not atomic for concurrent conditional updates: with several
// racers on updateOne({_id, version}), more than one may win. Serializing the
// write commands of every client restores the single-document atomicity that
// MongoDB promises and that our stores rely on. The gate holds a process-wide
// lock from the moment a write command is read from a client until the
// server's reply to it passes back (at once when the client set moreToCome,
// since no reply comes), or until that connection closes.
type Gate struct {
	ln       net.Listener
	upstream string
	writes   sync.Mutex

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// NewGate listens on addr (a loopback address; port 0 picks one) and
// forwards to upstream (host:port).
func NewGate(addr, upstream string) (*Gate, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("write gate: listen: %w", err)
	}
	g := &Gate{ln: ln, upstream: upstream, conns: map[net.Conn]struct{}{}}
	g.wg.Add(1)
	go g.accept()
	return g, nil
}

// Addr is the address clients connect to.
func (g *Gate) Addr() string { return g.ln.Addr().String() }

// Close stops listening and closes every proxied connection.
func (g *Gate) Close() error {
	err := g.ln.Close()
	g.mu.Lock()
	for c := range g.conns {
		_ = c.Close()
	}
	g.mu.Unlock()
	g.wg.Wait()
	return err
}

func (g *Gate) track(c net.Conn, add bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if add {
		g.conns[c] = struct{}{}
	} else {
		delete(g.conns, c)
	}
}

func (g *Gate) accept() {
	defer g.wg.Done()
	for {
		client, err := g.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", g.upstream)
		if err != nil {
			_ = client.Close()
			continue
		}
		g.track(client, true)
		g.track(server, true)
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			g.serve(client, server)
			g.track(client, false)
			g.track(server, false)
		}()
	}
}

// gatedConn tracks whether one proxied connection holds the write lock.
type gatedConn struct {
	gate   *Gate
	mu     sync.Mutex
	held   bool
	heldID int32
}

func (gc *gatedConn) acquire(requestID int32) {
	gc.gate.writes.Lock()
	gc.mu.Lock()
	gc.held, gc.heldID = true, requestID
	gc.mu.Unlock()
}

// release unlocks the gate if this connection holds it for requestID (or
// for any request when all is true).
func (gc *gatedConn) release(requestID int32, all bool) {
	gc.mu.Lock()
	defer gc.mu.Unlock()
	if gc.held && (all || gc.heldID == requestID) {
		gc.held = false
		gc.gate.writes.Unlock()
	}
}

func (g *Gate) serve(client, server net.Conn) {
	gc := &gatedConn{gate: g}
	done := make(chan struct{})
	go func() {
		defer close(done)
		// server -> client: a reply to the held request releases the gate.
		for {
			msg, err := readMessage(server)
			if err != nil {
				break
			}
			_, werr := client.Write(msg)
			gc.release(int32(binary.LittleEndian.Uint32(msg[8:12])), false)
			if werr != nil {
				break
			}
		}
		_ = client.Close()
		_ = server.Close()
	}()
	// client -> server: a write command takes the gate first.
	for {
		msg, err := readMessage(client)
		if err != nil {
			break
		}
		write, moreToCome := classify(msg)
		requestID := int32(binary.LittleEndian.Uint32(msg[4:8]))
		if write {
			gc.acquire(requestID)
		}
		_, werr := server.Write(msg)
		if write && (moreToCome || werr != nil) {
			gc.release(requestID, false)
		}
		if werr != nil {
			break
		}
	}
	_ = client.Close()
	_ = server.Close()
	<-done
	gc.release(0, true)
}

const maxMessage = 48 << 20

// readMessage reads one whole wire-protocol message (header included).
func readMessage(r io.Reader) ([]byte, error) {
	var hdr [16]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := int(binary.LittleEndian.Uint32(hdr[0:4]))
	if n < 16 || n > maxMessage {
		return nil, errors.New("write gate: bad message length")
	}
	msg := make([]byte, n)
	copy(msg, hdr[:])
	if _, err := io.ReadFull(r, msg[16:]); err != nil {
		return nil, err
	}
	return msg, nil
}

const opMsg = 2013

var writeCommands = map[string]bool{
	"insert": true, "update": true, "delete": true, "findandmodify": true,
	"createindexes": true, "dropindexes": true, "drop": true, "dropdatabase": true,
	"create": true, "renamecollection": true, "collmod": true,
}

// classify reports whether msg is an OP_MSG whose command is a write, and
// whether the client set moreToCome (no reply will follow).
func classify(msg []byte) (write, moreToCome bool) {
	if len(msg) < 21 || binary.LittleEndian.Uint32(msg[12:16]) != opMsg {
		return false, false
	}
	flags := binary.LittleEndian.Uint32(msg[16:20])
	moreToCome = flags&2 != 0
	// Sections follow; the body (kind 0) holds the command as its first key.
	p := 20
	for p < len(msg) {
		kind := msg[p]
		p++
		switch kind {
		case 0:
			// document: int32 length, then elements: type byte, cstring name.
			if p+5 > len(msg) {
				return false, moreToCome
			}
			name := msg[p+5:]
			if i := bytes.IndexByte(name, 0); i >= 0 {
				return writeCommands[strings.ToLower(string(name[:i]))], moreToCome
			}
			return false, moreToCome
		case 1:
			// document sequence: int32 size (including itself), then data.
			if p+4 > len(msg) {
				return false, moreToCome
			}
			p += int(binary.LittleEndian.Uint32(msg[p : p+4]))
		default:
			return false, moreToCome
		}
	}
	return false, moreToCome
}
