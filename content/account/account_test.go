package account

import (
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

func TestPasswordHashing(t *testing.T) {
	h := HashPassword("梧桐语讲坛-密码-2026")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not argon2id with our parameters", h)
	}
	if h == HashPassword("梧桐语讲坛-密码-2026") {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	ok, err := VerifyPassword(h, "梧桐语讲坛-密码-2026")
	if err != nil || !ok {
		t.Fatalf("verify the right password: %v %v", ok, err)
	}
	if ok, _ := VerifyPassword(h, "梧桐语讲坛-密码-2027"); ok {
		t.Fatal("a wrong password verified")
	}
	long := strings.Repeat("a", 100)
	lh := HashPassword(long)
	if ok, _ := VerifyPassword(lh, long[:72]); ok {
		t.Fatal("the password was cut at 72 bytes, as bcrypt would")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$a$b", "$argon2id$v=19$m=x$a$b", "plain"} {
		if _, err := VerifyPassword(bad, "x"); err == nil {
			t.Errorf("VerifyPassword(%q) accepted a malformed hash", bad)
		}
	}
}

func TestPasswordRules(t *testing.T) {
	for _, pw := range []string{"", "short", "七个字的密码码", "password123", "12345678", "87654321", "aaaaaaaaaa", "abcdefghij", "WoAiNi1314", "wanglaoshi1"} {
		if err := CheckPassword(pw, "wanglaoshi"); !fault.Is(err, fault.Invalid) {
			t.Errorf("CheckPassword(%q) = %v, want Invalid", pw, err)
		}
	}
	for _, pw := range []string{"eight ch", "八个字符的长密码", "wanglaoshi likes tea at 3pm", "correct-horse-battery"} {
		if err := CheckPassword(pw, "wanglaoshi"); err != nil {
			t.Errorf("CheckPassword(%q) = %v", pw, err)
		}
	}
	if err := CheckPassword(strings.Repeat("xy", MaxPasswordLength/2)+"z", ""); err == nil {
		t.Error("an over-long password was accepted")
	}
}
