package testferret

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

func TestRestartOnTheSameFolderKeepsTheData(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 3; i++ {
		srv, err := Start(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		cli, err := mongo.Connect(options.Client().ApplyURI(srv.URI))
		if err != nil {
			t.Fatal(err)
		}
		coll := cli.Database("d").Collection("c")
		if _, err := coll.InsertOne(context.Background(), bson.D{{Key: "x", Value: i}}); err != nil {
			t.Fatalf("round %d: insert: %v", i, err)
		}
		n, err := coll.CountDocuments(context.Background(), bson.D{})
		if err != nil || n != int64(i+1) {
			t.Fatalf("round %d: count = %d, %v; want %d", i, n, err, i+1)
		}
		_ = cli.Disconnect(context.Background())
		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
