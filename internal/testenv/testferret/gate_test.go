package testferret

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

func startServer(t *testing.T) *mongo.Client {
	t.Helper()
	srv, err := Start(t.TempDir(), nil)
	if err != nil {
		t.Fatalf("start embedded server: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	client, err := mongo.Connect(options.Client().ApplyURI(srv.URI).SetMaxPoolSize(50))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	return client
}

func TestGateMakesConditionalUpdatesAtomic(t *testing.T) {
	client := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	coll := client.Database("gate").Collection("items")
	for round := 0; round < 5; round++ {
		id := round
		if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: 1}}); err != nil {
			t.Fatalf("insert: %v", err)
		}
		var winners atomic.Int32
		var wg sync.WaitGroup
		for r := 0; r < 20; r++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := coll.UpdateOne(ctx,
					bson.D{{Key: "_id", Value: id}, {Key: "version", Value: 1}},
					bson.D{{Key: "$set", Value: bson.D{{Key: "version", Value: 2}}}})
				if err != nil {
					t.Errorf("update: %v", err)
					return
				}
				if res.ModifiedCount == 1 {
					winners.Add(1)
				}
			}()
		}
		wg.Wait()
		if got := winners.Load(); got != 1 {
			t.Fatalf("round %d: %d racers won the same version, want exactly 1", round, got)
		}
	}
}

func TestGateKeepsEveryIncrement(t *testing.T) {
	client := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	coll := client.Database("gate").Collection("counters")
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "c"}, {Key: "n", Value: 0}}); err != nil {
		t.Fatalf("insert: %v", err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := coll.UpdateByID(ctx, "c", bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}}); err != nil {
				t.Errorf("inc: %v", err)
			}
		}()
	}
	wg.Wait()
	var doc struct {
		N int `bson:"n"`
	}
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: "c"}}).Decode(&doc); err != nil {
		t.Fatalf("find: %v", err)
	}
	if doc.N != 200 {
		t.Fatalf("counter = %d after 200 concurrent increments, want 200", doc.N)
	}
}

func TestClassifyFindsWriteCommands(t *testing.T) {
	body := func(cmd string, flags uint32) []byte {
		doc, _ := bson.Marshal(bson.D{{Key: cmd, Value: "coll"}, {Key: "$db", Value: "x"}})
		msg := make([]byte, 16+4+1+len(doc))
		le := func(b []byte, v uint32) { b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24) }
		le(msg[0:], uint32(len(msg)))
		le(msg[12:], opMsg)
		le(msg[16:], flags)
		msg[20] = 0
		copy(msg[21:], doc)
		return msg
	}
	cases := []struct {
		cmd         string
		flags       uint32
		write, more bool
	}{
		{"insert", 0, true, false},
		{"findAndModify", 0, true, false},
		{"update", 2, true, true},
		{"find", 0, false, false},
		{"aggregate", 0, false, false},
		{"hello", 0, false, false},
	}
	for _, c := range cases {
		w, m := classify(body(c.cmd, c.flags))
		if w != c.write || m != c.more {
			t.Errorf("classify(%s, flags %d) = %v, %v; want %v, %v", c.cmd, c.flags, w, m, c.write, c.more)
		}
	}
}
